import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir index`: builds a collection's index directory from a corpus.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build an index directory from a corpus (BEIR corpus.jsonl or BRIGHT documents JSONL).",
        discussion: """
            CORPUS is a JSONL file, BEIR (`_id`, `title`, `text`) or BRIGHT (`id`, `content`), or a \
            BEIR dataset directory. The BM25 index goes to <out>/bm25; it is written under a \
            temporary name and renamed, so an interrupted build leaves any previous index intact.

            Example:
                reasonir index ../shared/data/scifact/corpus.jsonl --out scifact.idx --bm25
            """)

    @Argument(help: "The corpus: a JSONL file or a BEIR dataset directory.")
    var corpus: String

    @Option(help: "The index directory to write.")
    var out: String

    @Flag(help: "Build the BM25 index (the default, and the only kind so far).")
    var bm25 = false

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let stream = try CorpusFile.open(URL(fileURLWithPath: corpus))
            let index = try BM25Indexing.build(corpus: stream, to: URL(fileURLWithPath: out).appendingPathComponent("bm25"),
                                               threads: threads, progress: TerminalProgress(quiet: quiet))
            print("indexed \(index.documentCount) documents, \(index.termCount) terms into \(out)")
        }
    }
}
