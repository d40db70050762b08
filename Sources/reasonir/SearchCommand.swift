import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir search`: queries an index directory.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index directory built by `reasonir index`.",
        discussion: """
            Prints rank, score and document id per line, or with --json one object:
                {"query": "...", "results": [{"rank": 1, "id": "...", "score": 12.3}, ...]}

            Example:
                reasonir search scifact.idx "Vitamin D deficiency and multiple sclerosis" -k 5
            """)

    @Argument(help: "The index directory.")
    var index: String

    @Argument(help: "The query.")
    var query: String

    @Option(name: .shortAndLong, help: "How many results.")
    var k = 10

    @Option(help: "The retriever.")
    var retriever: RetrieverChoice = .bm25

    @OptionGroup var bm25: BM25Options

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if k < 1 { throw ValidationError("-k must be at least 1.") }
    }

    func run() throws {
        try reportingErrors {
            let opened = try BM25Index(directory: URL(fileURLWithPath: index).appendingPathComponent("bm25"))
            let hits = opened.search(query, k: k, variant: bm25.bm25Variant, parameters: bm25.parameters)
            if json {
                try printJSON(["query": query,
                               "results": hits.enumerated().map { ["rank": $0 + 1, "id": $1.id, "score": $1.score] }])
            } else {
                for (rank, hit) in hits.enumerated() {
                    print(String(format: "%3d  %9.4f  ", rank + 1, hit.score) + hit.id)
                }
            }
        }
    }
}
