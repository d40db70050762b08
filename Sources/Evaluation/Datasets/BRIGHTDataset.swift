import Foundation
import Retrieval

/// BRIGHT stored as JSONL, one file per task: `examples/<task>.jsonl` and `documents/<task>.jsonl`
/// under `directory` (the layout of Hugging Face's `xlangai/BRIGHT` configs, exported to JSONL).
///
/// * examples: `id`, `query`, `reasoning`, `gold_ids`, `gold_ids_long`, `excluded_ids`
///   (`["N/A"]` for none), and sometimes `gold_answer`;
/// * documents: `id`, `content`.
public struct BRIGHTDataset: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// BRIGHT's 12 tasks, in the paper's order.
    public static let tasks = [
        "biology", "earth_science", "economics", "psychology", "robotics", "stackoverflow",
        "sustainable_living", "leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems",
    ]

    public func examplesURL(task: String) -> URL {
        directory.appendingPathComponent("examples").appendingPathComponent("\(task).jsonl")
    }

    public func documentsURL(task: String) -> URL {
        directory.appendingPathComponent("documents").appendingPathComponent("\(task).jsonl")
    }

    public func examples(task: String) throws(EvaluationError) -> RecordStream<BRIGHTExample> {
        try Self.examples(at: examplesURL(task: task))
    }

    public func documents(task: String) throws(EvaluationError) -> RecordStream<Document> {
        try Self.documents(at: documentsURL(task: task))
    }

    /// The examples of one JSONL file, streamed.
    public static func examples(at url: URL) throws(EvaluationError) -> RecordStream<BRIGHTExample> {
        try RecordStream(url: url) { row throws(EvaluationError) in try BRIGHTExample(row: row) }
    }

    /// The documents of one JSONL file (`id`, `content`), streamed.
    public static func documents(at url: URL) throws(EvaluationError) -> RecordStream<Document> {
        try RecordStream(url: url) { row throws(EvaluationError) in
            Document(id: try row.identifier("id"), text: try row.string("content"))
        }
    }
}
