import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir search`: queries an index directory.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index directory built by `reasonir index`.",
        discussion: """
            Prints rank, score, document id and the start of its text per line, or with --json one object:
                {"query": "...", "results": [{"rank": 1, "id": "...", "score": 12.3, "text": "..."}, ...]}
            Hybrid search fuses the BM25 and dense rankings (--fusion rrf, the default, or \
            interpolate with --hybrid-weight, the dense scores' weight, 0.5 by default).

            Examples:
                reasonir search scifact.idx "Vitamin D deficiency and multiple sclerosis" -k 5
                reasonir search scifact.idx "Vitamin D deficiency and multiple sclerosis" --retriever hybrid --json
            """)

    @Argument(help: "The index directory.")
    var index: String

    @Argument(help: "The query.")
    var query: String

    @Option(name: .shortAndLong, help: "How many results.")
    var k = 10

    @Option(help: "The retriever: bm25, dense (HNSW when built, else exact) or hybrid (both, fused).")
    var retriever: RetrieverChoice = .bm25

    @OptionGroup var bm25: BM25Options
    @OptionGroup var fusion: FusionOptions

    @Option(help: "Dense: the embedding model, when it has moved since the build (must be the same model).")
    var model: String?

    @Flag(help: "Dense: search the flat index exactly even when there is an HNSW graph.")
    var exact = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if k < 1 { throw ValidationError("-k must be at least 1.") }
    }

    func run() throws {
        try reportingErrors {
            let directory = URL(fileURLWithPath: index)
            let bm25Only = URL(fileURLWithPath: index).appendingPathComponent("bm25")
            // A directory of the first layout (bm25/ alone, no collection manifest) still searches with BM25.
            let hits: [ScoredDocument]
            var collection: IndexDirectory?
            if retriever == .bm25, !FileManager.default.fileExists(atPath: directory.appendingPathComponent(ManifestFile.name).path),
               FileManager.default.fileExists(atPath: bm25Only.path) {
                let opened = try BM25Index(directory: bm25Only)
                hits = opened.search(query, k: k, variant: bm25.bm25Variant, parameters: bm25.parameters)
            } else {
                let opened = try IndexDirectory.open(directory)
                collection = opened
                let loaded = try model.map { try EmbeddingModel.load($0) }
                let chosen = try opened.retriever(IndexDirectory.RetrieverKind(rawValue: retriever.rawValue) ?? .bm25,
                                                  fusion: fusion.method, candidates: fusion.hybridCandidates, model: loaded,
                                                  exact: exact,
                                                  bm25: CollectionBM25Settings(variant: bm25.bm25Variant, parameters: bm25.parameters))
                hits = try chosen.retrieve([query], k: k, excluding: nil, progress: SilentProgress()).first ?? []
            }
            let texts = hits.map { collection?.documents.document(id: $0.id)?.text }
            if json {
                try printJSON(["query": query,
                               "results": hits.enumerated().map { rank, hit in
                                   var row: [String: Any] = ["rank": rank + 1, "id": hit.id, "score": hit.score]
                                   if let text = texts[rank] { row["text"] = text }
                                   return row
                               }])
            } else {
                for (rank, hit) in hits.enumerated() {
                    var line = String(format: "%3d  %9.4f  ", rank + 1, hit.score) + hit.id
                    if let text = texts[rank] { line += "  " + snippet(text) }
                    print(line)
                }
            }
        }
    }

    /// The start of a document on one line.
    private func snippet(_ text: String, length: Int = 100) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= length ? flat : String(flat.prefix(length)) + "…"
    }
}
