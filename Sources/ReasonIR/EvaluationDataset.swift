import Foundation

/// A dataset ready to evaluate a retriever on: a corpus to stream, queries, and judgments.
///
/// Two layouts on disk:
/// - BEIR: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`; only queries with judgments run.
/// - BRIGHT: `examples.jsonl` and `documents.jsonl`, or `examples/<task>.jsonl` and
///   `documents/<task>.jsonl` with a task name; scored with BRIGHT's protocol (every example
///   counts, `excluded_ids` removed, `gold_ids` at relevance 1).
public struct EvaluationDataset: Sendable {
    public enum Layout: String, Sendable { case beir, bright }

    /// Which BRIGHT field is the query: the post itself, or its reasoning (a reasoning-query variant).
    public enum BRIGHTQueryField: String, Sendable, CaseIterable { case query, reasoning }

    public var name: String
    public var layout: Layout
    public var corpusURL: URL
    public var corpus: RecordStream<Document>
    public var queries: [Query]
    public var qrels: Qrels
    /// BRIGHT's examples, when the layout is BRIGHT.
    public var brightExamples: [BRIGHTExample]?

    /// Per query, documents to leave out (BRIGHT's `excluded_ids`).
    public var excludedIDs: [String: Set<String>] { brightExamples?.excludedIDs ?? [:] }

    /// Opens the dataset in `directory`, detecting its layout.
    public static func open(directory: URL, split: String = "test", task: String? = nil,
                            queryField: BRIGHTQueryField = .query) throws -> EvaluationDataset {
        let fileManager = FileManager.default
        func exists(_ name: String) -> Bool { fileManager.fileExists(atPath: directory.appendingPathComponent(name).path) }
        if exists("corpus.jsonl") {
            let beir = BEIRDataset(directory: directory)
            let qrels = try beir.qrels(split: split)
            let queries = try beir.queries().collect().filter { qrels[$0.id] != nil }
            return EvaluationDataset(name: directory.lastPathComponent, layout: .beir, corpusURL: beir.corpusURL,
                                     corpus: try beir.corpus(), queries: queries, qrels: qrels, brightExamples: nil)
        }
        let examplesURL: URL, documentsURL: URL
        if let task {
            let bright = BRIGHTDataset(directory: directory)
            examplesURL = bright.examplesURL(task: task)
            documentsURL = bright.documentsURL(task: task)
        } else if exists("examples.jsonl") {
            examplesURL = directory.appendingPathComponent("examples.jsonl")
            documentsURL = directory.appendingPathComponent("documents.jsonl")
        } else {
            throw ReasonIRError.unknownDatasetLayout(path: directory.path)
        }
        let examples = try BRIGHTDataset.examples(at: examplesURL).collect()
        let queries = examples.map { Query(id: $0.id, text: queryField == .query ? $0.query : $0.reasoning) }
        return EvaluationDataset(name: task ?? directory.lastPathComponent, layout: .bright, corpusURL: documentsURL,
                                 corpus: try BRIGHTDataset.documents(at: documentsURL), queries: queries,
                                 qrels: examples.qrels, brightExamples: examples)
    }

    /// Scores a run with this dataset's protocol.
    public func evaluate(_ run: Run, evaluator: Evaluator = Evaluator(), depth: Int = 1000) -> EvaluationReport {
        if let brightExamples {
            return evaluator.evaluate(run: run, brightExamples: brightExamples, depth: depth)
        }
        return evaluator.evaluate(run: run, qrels: qrels, depth: depth)
    }
}
