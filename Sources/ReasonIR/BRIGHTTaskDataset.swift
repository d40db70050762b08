import Foundation

extension EvaluationDataset {
    /// One BRIGHT task from `directory`, in the hub's Parquet layout (`examples/<task>-*.parquet`, …,
    /// see `BRIGHTHub`) or our JSONL layout (`examples/<task>.jsonl`, `documents/<task>.jsonl`,
    /// `long_documents/<task>.jsonl`, `<variant>_reason/<task>.jsonl`).
    ///
    /// - `queryVariant`: `original` for the posts themselves, or a reasoning-query config such as
    ///   `gpt4_reason` (queries from that config, as BRIGHT's `run.py --reasoning gpt4` reads them);
    /// - `longDocuments`: search `long_documents` and judge with `gold_ids_long`, BRIGHT's long-document setting.
    public static func bright(directory: URL, task: String, queryVariant: String = "original",
                              longDocuments: Bool = false) throws -> EvaluationDataset {
        let queryConfig = BRIGHTHub.queryConfig(variant: queryVariant)
        let documentsConfig = longDocuments ? "long_documents" : "documents"
        var examples: [BRIGHTExample]
        let corpus: RecordStream<Document>
        if BRIGHTHub.isHubLayout(directory) {
            let hub = BRIGHTHub(directory: directory)
            examples = try hub.examples(task: task, config: queryConfig)
            corpus = try hub.documents(task: task, long: longDocuments)
        } else {
            func file(_ config: String) -> URL {
                directory.appendingPathComponent(config).appendingPathComponent("\(task).jsonl")
            }
            guard FileManager.default.fileExists(atPath: file("examples").path) else {
                throw EvaluationError.missingTask(directory: directory.path, config: "examples", task: task)
            }
            guard FileManager.default.fileExists(atPath: file(queryConfig).path) else {
                throw EvaluationError.missingTask(directory: directory.path, config: queryConfig, task: task)
            }
            examples = try BRIGHTDataset.examples(at: file(queryConfig)).collect()
            corpus = try BRIGHTDataset.documents(at: file(documentsConfig))
        }
        if longDocuments {
            examples = examples.map { example in
                var long = example
                long.goldIDs = example.goldIDsLong
                return long
            }
        }
        let queries = examples.map { Query(id: $0.id, text: $0.query) }
        return EvaluationDataset(name: task, layout: .bright, corpusURL: corpus.url, corpus: corpus, queries: queries,
                                 qrels: examples.qrels, brightExamples: examples)
    }
}
