import Foundation

/// Runs a retriever over a dataset's queries and scores the run.
public struct RetrievalEvaluation: Sendable {
    public var run: Run
    public var report: EvaluationReport
    public var searchSeconds: Double

    /// Retrieves the `depth` best documents per query (BRIGHT keeps 1000) and evaluates them
    /// with the dataset's protocol.
    public static func evaluate(_ retriever: any Retriever, on dataset: EvaluationDataset, depth: Int = 1000,
                                progress: any ProgressReporter = SilentProgress()) throws -> RetrievalEvaluation {
        let excluded = dataset.excludedIDs
        let start = Date()
        let rankings = try retriever.retrieve(dataset.queries.map(\.text), k: depth,
                                              excluding: excluded.isEmpty ? nil : dataset.queries.map { excluded[$0.id] ?? [] },
                                              progress: progress)
        let seconds = Date().timeIntervalSince(start)
        let run = Run(zip(dataset.queries, rankings).map { (queryID: $0.id, documents: $1) })
        return RetrievalEvaluation(run: run, report: dataset.evaluate(run, depth: depth), searchSeconds: seconds)
    }
}
