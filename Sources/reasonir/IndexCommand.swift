import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir index`: builds a collection's index directory (the default subcommand), or updates it.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build a collection's index directory from a corpus, or add and delete documents.",
        subcommands: [IndexBuildCommand.self, IndexAddCommand.self, IndexDeleteCommand.self],
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
            build are kept in .OUT.building and the next run with the same corpus and model resumes.

            Examples:
                reasonir index ../shared/data/scifact/corpus.jsonl --out scifact.idx --bm25
                reasonir index ../shared/data/scifact --out scifact.idx --bm25 --dense all-MiniLM-L6-v2 --hnsw
            """)

    @Argument(help: "The corpus: a JSONL file or a BEIR dataset directory.")
    var corpus: String

    @Option(help: "The index directory to write.")
    var out: String

    @Flag(help: "Build the BM25 index (the default when nothing else is asked for).")
    var bm25 = false

    @Option(help: ArgumentHelp("Embed the documents with this model (a name or a directory) for dense search.", valueName: "model"))
    var dense: String?

    @Flag(help: "Also build an HNSW graph over the dense vectors (approximate, faster search).")
    var hnsw = false

    @Option(help: "HNSW: links per node.")
    var m = 16

    @Option(help: "HNSW: beam width while building.")
    var efConstruction = 200

    @Option(help: "HNSW: default beam width of a search.")
    var efSearch = 64

    @Option(help: "Documents embedded per batch (the resume granularity).")
    var batchSize = 256

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

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
                embeddingBatchSize: batchSize, threads: threads)
            let built = try IndexDirectory.build(corpus: stream, to: URL(fileURLWithPath: out), options: options,
                                                 progress: TerminalProgress(quiet: quiet))
            var parts: [String] = []
            if let index = built.bm25 { parts.append("BM25 (\(index.termCount) terms)") }
            if let model = built.manifest.model { parts.append("dense (\(model.name), \(model.dimension) dimensions)") }
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
            in the collection (or twice in FILE) is an error and nothing changes: delete the old \
            document first to replace it. The BM25 part is rebuilt from the document store; only \
            the new documents are embedded (with the collection's model), the HNSW graph gains \
            them. The updated directory replaces the old one in one rename.

            Example:
                reasonir index add scifact.idx new-abstracts.jsonl
            """)

    @Argument(help: "The index directory.")
    var index: String

    @Argument(help: "The documents to add (JSONL).")
    var file: String

    @Option(help: "The embedding model, when it has moved since the build (must be the same model).")
    var model: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let opened = try IndexDirectory.open(URL(fileURLWithPath: index))
            let documents = try CorpusFile.open(URL(fileURLWithPath: file)).collect()
            let loaded = try model.map { try LocalEmbeddingModel.load($0) }
            let updated = try opened.add(documents, model: loaded, progress: TerminalProgress(quiet: quiet))
            print("added \(documents.count) documents; \(index) holds \(updated.manifest.documentCount)")
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
            tombstones that searches skip.

            Example:
                reasonir index delete scifact.idx 4983 5836
            """)

    @Argument(help: "The index directory.")
    var index: String

    @Argument(help: "The ids of the documents to delete.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one document id.") }
    }

    func run() throws {
        try reportingErrors {
            let opened = try IndexDirectory.open(URL(fileURLWithPath: index))
            let updated = try opened.delete(ids: ids)
            print("deleted \(ids.count) documents; \(index) holds \(updated.manifest.documentCount)")
        }
    }
}
