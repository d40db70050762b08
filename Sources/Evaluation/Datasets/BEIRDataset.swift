import Foundation
import Retrieval

/// A dataset in BEIR's layout: `corpus.jsonl`, `queries.jsonl` and `qrels/<split>.tsv`.
///
/// * `corpus.jsonl`: one object per line with `_id` (a string or a number), `title` (optional)
///   and `text`; a document's text is `title + " " + text`, or `text` when the title is empty.
/// * `queries.jsonl`: `_id` and `text`.
/// * `qrels/<split>.tsv`: a header row (`query-id corpus-id score`, skipped), then
///   `query-id<TAB>corpus-id<TAB>score` with relevance `Int(score)`.
public struct BEIRDataset: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public var corpusURL: URL { directory.appendingPathComponent("corpus.jsonl") }
    public var queriesURL: URL { directory.appendingPathComponent("queries.jsonl") }

    public func qrelsURL(split: String) -> URL {
        directory.appendingPathComponent("qrels").appendingPathComponent("\(split).tsv")
    }

    /// The corpus, streamed. Throws `cannotOpen` at once if the file is missing; every other
    /// problem comes out of the iteration as a failure naming its line and field.
    public func corpus() throws(EvaluationError) -> RecordStream<Document> {
        try Self.corpus(at: corpusURL)
    }

    /// A BEIR corpus file (`_id`, `title`, `text`) anywhere, streamed.
    public static func corpus(at url: URL) throws(EvaluationError) -> RecordStream<Document> {
        try RecordStream(url: url) { row throws(EvaluationError) in
            Document(
                id: try row.identifier("_id"),
                title: try row.optionalString("title") ?? "",
                body: try row.string("text"))
        }
    }

    /// The queries, streamed (call `collect()` for an array).
    public func queries() throws(EvaluationError) -> RecordStream<Query> {
        try RecordStream(url: queriesURL) { row throws(EvaluationError) in
            Query(id: try row.identifier("_id"), text: try row.string("text"))
        }
    }

    /// The judgments of `split` (e.g. `test`, `dev`).
    public func qrels(split: String) throws(EvaluationError) -> Qrels {
        try QrelsFile.read(from: qrelsURL(split: split), format: .beirTSV)
    }
}
