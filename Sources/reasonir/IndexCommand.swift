import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir index`: builds a collection's index directory (the default subcommand), or updates it.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build a collection's index directory from a corpus, or add, replace and delete documents.",
        subcommands: [IndexBuildCommand.self, IndexAddCommand.self, IndexDeleteCommand.self, IndexCompactCommand.self],
        defaultSubcommand: IndexBuildCommand.self)
}

struct IndexBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an index directory from a corpus (BEIR corpus.jsonl or BRIGHT documents JSONL).",
        discussion: """
            CORPUS is a JSONL file, BEIR (`_id`, `title`, `text`) or BRIGHT (`id`, `content`), or a \
            BEIR dataset directory. OUT gets manifest.json, documents/ (ids and texts), and bm25/ \
            (--bm25, the default), dense/ (--dense MODEL: exact search) and hnsw/ (--hnsw, with \
            --dense). The whole directory is written under a temporary name and renamed, so an \
            interrupted build leaves any previous index intact; the embeddings of an interrupted \
            build are kept in .OUT.building and the next run with the same corpus and model resumes. \
            The corpus is streamed, never held in memory whole. --vector-type f16 stores the dense \
            and HNSW vectors as IEEE half floats: half the size, scores to about three digits.

            Examples:
                reasonir index ../shared/data/scifact/corpus.jsonl --out scifact.idx --bm25
                reasonir index ../shared/data/scifact --out scifact.idx --bm25 --dense all-MiniLM-L6-v2 --hnsw
                reasonir index ../shared/data/scifact --out scifact16.idx --dense all-MiniLM-L6-v2 --hnsw --vector-type f16
            """)

    @Argument(help: "The corpus: a JSONL file or a BEIR dataset directory.")
    var corpus: String

    @Option(help: "The index directory to write.")
    var out: String

    @Flag(help: "Build the BM25 index (the default when nothing else is asked for).")
    var bm25 = false

    @Option(help: ArgumentHelp("Embed the documents with this model (a name or a path: sentence-transformers, or a Llama/Qwen checkpoint or GGUF file) for dense search.", valueName: "model"))
    var dense: String?

    @Flag(help: "Also build an HNSW graph over the dense vectors (approximate, faster search).")
    var hnsw = false

    @Option(help: "HNSW: links per node.")
    var m = 16

    @Option(help: "HNSW: beam width while building.")
    var efConstruction = 200

    @Option(help: "HNSW: default beam width of a search.")
    var efSearch = 64

    @Option(help: "How the dense and HNSW parts store vectors: f32, or f16 (half the size).")
    var vectorType: VectorType = .f32

    @Option(help: "Documents embedded per batch (the resume granularity).")
    var batchSize = 256

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

    @OptionGroup var writer: WriterOptions

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if hnsw, dense == nil { throw ValidationError("--hnsw needs --dense MODEL: the graph is built over the dense vectors.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
    }

    func run() throws {
        try reportingErrors {
            let stream = try CorpusFile.open(URL(fileURLWithPath: corpus))
            let options = IndexDirectory.BuildOptions(
                bm25: bm25 || dense == nil, denseModel: dense, hnsw: hnsw,
                hnswParameters: HNSWParameters(m: m, efConstruction: efConstruction, efSearch: efSearch),
                embeddingBatchSize: batchSize, threads: threads, vectorType: vectorType, waitForWriter: writer.wait)
            let built = try IndexDirectory.build(corpus: stream, to: URL(fileURLWithPath: out), options: options,
                                                 progress: TerminalProgress(quiet: quiet))
            var parts: [String] = []
            if let index = built.bm25 { parts.append("BM25 (\(index.termCount) terms)") }
            if let model = built.manifest.model {
                parts.append("dense (\(model.name), \(model.dimension) dimensions, \(vectorType.rawValue))")
            }
            if built.hnsw != nil { parts.append("HNSW (m \(m))") }
            print("indexed \(built.manifest.documentCount) documents into \(out): " + parts.joined(separator: ", "))
        }
    }
}

struct IndexAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add the documents of a JSONL file to an index directory.",
        discussion: """
            FILE is JSONL, BEIR (`_id`, `title`, `text`) or BRIGHT (`id`, `content`). An id already \
            in the collection is an error and nothing changes, unless --replace is given: then the \
            new document replaces the old one everywhere (documents, BM25, dense, HNSW). An id \
            twice in FILE is always an error. The BM25 part is rebuilt from the document store; \
            only the new documents are embedded (with the collection's model), the HNSW graph \
            gains them. The updated directory replaces the old one in one rename.

            Examples:
                reasonir index add scifact.idx new-abstracts.jsonl
                reasonir index add scifact.idx corrected-abstracts.jsonl --replace
            """)

    @OptionGroup var target: UpdateTarget

    @Argument(help: "The documents to add (JSONL).")
    var file: String

    @Option(help: "The embedding model, when it has moved since the build (must be the same model).")
    var model: String?

    @Flag(help: "Replace the documents whose id is already in the collection (otherwise such an id is an error).")
    var replace = false

    func run() throws {
        try reportingErrors {
            let opened = try target.open()
            let documents = try CorpusFile.open(URL(fileURLWithPath: file)).collect()
            let loaded = try model.map { try EmbeddingModel.load($0) }
            let (wait, progress) = (target.writer.wait, target.progress)
            let updated = replace
                ? try opened.upsert(documents, model: loaded, waitForWriter: wait, progress: progress)
                : try opened.add(documents, model: loaded, waitForWriter: wait, progress: progress)
            let verb = replace ? "added or replaced" : "added"
            print("\(verb) \(documents.count) documents; \(target.index) holds \(updated.manifest.documentCount)")
        }
    }
}

struct IndexDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete documents from an index directory by id.",
        discussion: """
            An unknown id is an error and nothing changes. The BM25 part is rebuilt from the \
            document store, the flat index drops the vectors, the HNSW graph keeps them as \
            tombstones that searches skip, until they pass 20% of its nodes: then it is rebuilt \
            from the live vectors (as `reasonir index compact` does at any time).

            Example:
                reasonir index delete scifact.idx 4983 5836
            """)

    @OptionGroup var target: UpdateTarget

    @Argument(help: "The ids of the documents to delete.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one document id.") }
    }

    func run() throws {
        try reportingErrors {
            let updated = try target.open().delete(ids: ids, waitForWriter: target.writer.wait, progress: target.progress)
            print("deleted \(ids.count) documents; \(target.index) holds \(updated.manifest.documentCount)")
        }
    }
}

struct IndexCompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rebuild an index directory's HNSW graph from the live vectors, dropping deleted nodes.",
        discussion: """
            Deleted documents stay in the HNSW graph as tombstones that searches pass through; an \
            update rebuilds the graph once they pass 20% of its nodes, this command at once. The \
            other parts are rewritten as they are (the flat index never keeps deleted rows).

            Example:
                reasonir index compact scifact.idx
            """)

    @OptionGroup var target: UpdateTarget

    func run() throws {
        try reportingErrors {
            let opened = try target.open()
            let tombstones = opened.hnsw?.deletedCount ?? 0
            let compacted = try opened.compact(waitForWriter: target.writer.wait, progress: target.progress)
            print("compacted \(target.index): \(compacted.manifest.documentCount) documents, \(tombstones) deleted HNSW nodes dropped")
        }
    }
}
