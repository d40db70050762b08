import Foundation
import Retrieval

/// Scores runs against judgments with trec_eval's semantics, as pytrec_eval 0.5.11 (trec_eval
/// 9.0.8) computes them.
///
/// For each query that is both in the run and in the qrels (a query with judgments but no
/// ranking is not evaluated; one whose judgments are all 0 is, and scores 0):
/// 1. a document listed twice keeps its last score (the run is a `docid → score` map);
/// 2. the query's `excludedIDs` are removed;
/// 3. if `depth` is set and the ranking is longer, it is cut to the `depth` best by a stable
///    sort on score, descending (BRIGHT's `sorted(…, reverse=True)[:1000]`);
/// 4. the ranking is re-sorted the way trec_eval does: by score descending, with scores
///    narrowed to Float as trec_eval 9.0.8 stores them, then by document id descending in byte
///    order (`strcmp`); so the order the run was written in does not matter;
/// 5. each metric is computed; means are plain sums in the run's query order over the number of
///    evaluated queries (BRIGHT's `calculate_retrieval_metrics`).
public struct Evaluator: Sendable {
    public var metrics: MetricSet

    public init(metrics: MetricSet = .standard) {
        self.metrics = metrics
    }

    /// Evaluates every query of `run` that has judgments in `qrels`.
    /// - Parameters:
    ///   - excludedIDs: per query, document ids to drop before scoring (BRIGHT's `excluded_ids`).
    ///   - depth: keep at most this many documents per query (BRIGHT keeps 1000); nil keeps all.
    public func evaluate(
        run: Run, qrels: Qrels, excludedIDs: [String: Set<String>] = [:], depth: Int? = 1000
    ) -> EvaluationReport {
        var evaluated: [String] = []
        var perQuery: [String: [Double]] = [:]
        for queryID in run.queryIDs {
            guard let judgments = qrels[queryID] else { continue }
            let values = evaluate(
                ranking: run[queryID] ?? [], judgments: judgments, excludedIDs: excludedIDs[queryID] ?? [], depth: depth)
            evaluated.append(queryID)
            perQuery[queryID] = values
        }
        return EvaluationReport(metrics: metrics, evaluatedQueries: evaluated, values: perQuery)
    }

    /// The values of one query, in the order of `metrics`.
    public func evaluate(
        ranking: [ScoredDocument], judgments: [String: Int], excludedIDs: Set<String> = [], depth: Int? = 1000
    ) -> [Double] {
        let ranked = Self.trecOrder(Self.prepare(ranking, excludedIDs: excludedIDs, depth: depth))
        let grades = ranked.map { judgments[$0.id] ?? Self.notJudged }
        return QueryJudgment(grades: grades, judgments: judgments).values(of: metrics)
    }

    /// trec_eval's grade for a retrieved document that the qrels do not mention.
    static let notJudged = -1

    /// Steps 1–3: one score per document, exclusions removed, cut to `depth`.
    static func prepare(_ ranking: [ScoredDocument], excludedIDs: Set<String>, depth: Int?) -> [ScoredDocument] {
        var documents: [ScoredDocument] = []
        documents.reserveCapacity(ranking.count)
        var positions = [String: Int](minimumCapacity: ranking.count)
        for document in ranking where !excludedIDs.contains(document.id) {
            if let position = positions[document.id] {
                documents[position].score = document.score
            } else {
                positions[document.id] = documents.count
                documents.append(document)
            }
        }
        guard let depth, documents.count > depth else { return documents }
        let order = documents.indices.sorted { a, b in
            let sa = sortableScore(documents[a].score), sb = sortableScore(documents[b].score)
            return sa != sb ? sa > sb : a < b
        }
        return order.prefix(max(depth, 0)).map { documents[$0] }
    }

    /// Step 4: trec_eval's order.
    static func trecOrder(_ documents: [ScoredDocument]) -> [ScoredDocument] {
        documents.sorted { a, b in
            let sa = Float(sortableScore(a.score)), sb = Float(sortableScore(b.score))
            if sa != sb { return sa > sb }
            return b.id.utf8.lexicographicallyPrecedes(a.id.utf8)
        }
    }

    /// NaN sorts last instead of breaking the sort.
    private static func sortableScore(_ score: Double) -> Double {
        score.isNaN ? -.infinity : score
    }
}

extension Evaluator {
    /// BRIGHT's protocol (xlang-ai/BRIGHT `run.py`, `get_scores`, `calculate_retrieval_metrics`):
    /// every example is a query; its `excluded_ids` are dropped from its ranking, the best `depth`
    /// (1000) are kept by a stable sort on score, and the qrels are its `gold_ids` at relevance 1.
    /// A query the run does not mention counts with an empty ranking, as BRIGHT scores every query.
    public func evaluate(run: Run, brightExamples examples: [BRIGHTExample], depth: Int? = 1000) -> EvaluationReport {
        var complete = Run()
        for example in examples {
            complete.setRanking(run[example.id] ?? [], for: example.id)
        }
        return evaluate(run: complete, qrels: examples.qrels, excludedIDs: examples.excludedIDs, depth: depth)
    }
}
