import Foundation
import Testing
@testable import Evaluation
import TestSupport

/// References made by pytrec_eval 0.5.11 (see `shared/fixtures/README.md`).
@Suite struct GoldenPytrecTests {
    /// `ndcg_pytrec.json`: graded qrels, many score ties, a query with qrels only (not evaluated),
    /// a query whose qrels are all 0 (evaluated, scores 0), a query with no relevant retrieved.
    @Test func ndcgFixture() throws {
        let golden = try TestPaths.json("ndcg_pytrec.json")
        let qrels = try #require(golden["qrels"] as? [String: [String: Int]])
        let scores = try #require(golden["run_after_exclusion"] as? [String: [String: Any]])
        let run = Run(scores: scores.mapValues { $0.mapValues { number($0) ?? .nan } })
        let metrics = MetricSet(MetricSet.brightCutoffs.map(Metric.ndcgCut) + MetricSet.brightCutoffs.map(Metric.recall) + [.reciprocalRank])
        let report = Evaluator(metrics: metrics).evaluate(run: run, qrels: qrels)

        let evaluated = try #require(golden["evaluated_queries"] as? [String])
        #expect(report.evaluatedQueries.sorted() == evaluated.sorted())
        #expect(!report.evaluatedQueries.contains("q9"))
        #expect(report.evaluatedQueries.contains("q10"))

        let perQuery = try #require(golden["per_query"] as? [String: [String: Any]])
        for (queryID, values) in perQuery {
            for (name, expected) in values {
                let metric = try #require(Metric(name: name))
                let actual = try #require(report.value(metric, query: queryID))
                #expect(abs(actual - (number(expected) ?? .nan)) <= 1e-12, "\(queryID) \(name)")
            }
        }
        let means = try #require(golden["mean_rounded_5"] as? [String: Any])
        for (name, expected) in means {
            let metric = try #require(Metric(name: name))
            #expect(EvaluationReport.round(try #require(report.mean(metric)), digits: 5) == number(expected), "\(name)")
        }

        // The fixture's run is after exclusion: putting the excluded document back at the top and
        // excluding it again must give the same values.
        let excluded = try #require(golden["excluded_ids"] as? [String: [String]])
        var withExcluded = run
        for (queryID, ids) in excluded {
            let extra = ids.map { ScoredDocument(id: $0, score: 2.0) }
            withExcluded.setRanking(extra + (run[queryID] ?? []), for: queryID)
        }
        let again = Evaluator(metrics: metrics).evaluate(
            run: withExcluded, qrels: qrels, excludedIDs: excluded.mapValues(Set.init))
        #expect(again == report)
        let unexcluded = Evaluator(metrics: metrics).evaluate(run: withExcluded, qrels: qrels)
        #expect(unexcluded != report)
    }

    struct TRECCase: Sendable, CustomTestStringConvertible {
        let run: String
        let qrels: String
        let golden: String
        let path: [String]
        var testDescription: String { run }
    }

    static let trecCases = [
        TRECCase(run: "fixtures/golden/bm25_bright_scifact.trec", qrels: "data/scifact/qrels/test.tsv",
                 golden: "bm25_bright_metrics.json", path: ["scifact", "metrics_top100_trec_file"]),
        TRECCase(run: "fixtures/golden/bm25_bright_theoremqa_dev.trec", qrels: "data/theoremqa-theorems/qrels/dev.tsv",
                 golden: "bm25_bright_metrics.json", path: ["theoremqa_dev", "metrics_top100_trec_file"]),
        TRECCase(run: "fixtures/golden/minilm_scifact.trec", qrels: "data/scifact/qrels/test.tsv",
                 golden: "minilm_scifact_metrics.json", path: ["metrics_top100"]),
        // Scored from Lucene's float scores in the fixture; the file has them as %.6f.
        TRECCase(run: "fixtures/golden/bm25_lucene_scifact.trec", qrels: "data/scifact/qrels/test.tsv",
                 golden: "bm25_lucene_metrics.json", path: ["lucene"]),
    ]

    /// TREC runs scored against BEIR qrels: BRIGHT's rounded metrics, and the unrounded
    /// `ndcg_cut_10`, `recall_100`, `map`, `recip_rank` to 1e-12.
    @Test(arguments: trecCases)
    func trecRunAgainstBEIRQrels(_ testCase: TRECCase) throws {
        var entry: Any = try TestPaths.json(testCase.golden)
        for key in testCase.path { entry = try #require((entry as? [String: Any])?[key]) }
        let golden = try #require(entry as? [String: Any])
        let bright = try #require(golden["bright_calculate_retrieval_metrics"] as? [String: Any])
        let unrounded = try #require(golden["requested_unrounded"] as? [String: Any])

        let run = try Run.read(from: TestPaths.shared.appendingPathComponent(testCase.run))
        let qrels = try QrelsFile.read(from: TestPaths.shared.appendingPathComponent(testCase.qrels))
        let report = Evaluator().evaluate(run: run, qrels: qrels, depth: nil)

        #expect(report.evaluatedQueries.count == golden["n_evaluated"] as? Int)
        for (name, expected) in bright {
            let metric = try #require(Metric(name: name))
            #expect(report.brightMetrics[name] == number(expected), "\(name)")
            #expect(abs(try #require(report.mean(metric)) - (number(expected) ?? .nan)) <= 5e-6, "\(name)")
        }
        for (name, expected) in unrounded {
            let metric = try #require(Metric(name: name))
            #expect(abs(try #require(report.mean(metric)) - (number(expected) ?? .nan)) <= 1e-12, "\(name)")
        }
    }

    /// SciFact-sized runs (300 queries × 100) read and evaluate in milliseconds.
    @Test func scifactIsFast() throws {
        let clock = ContinuousClock()
        var run = Run()
        var qrels: Qrels = [:]
        let readTime = try clock.measure {
            run = try Run.read(from: TestPaths.golden.appendingPathComponent("bm25_bright_scifact.trec"))
            qrels = try QrelsFile.read(from: TestPaths.scifact.appendingPathComponent("qrels/test.tsv"))
        }
        var report: EvaluationReport?
        let evaluateTime = clock.measure { report = Evaluator().evaluate(run: run, qrels: qrels) }
        print("SciFact 300×100: read \(readTime), evaluate \(evaluateTime)")
        #expect(report?.evaluatedQueries.count == 300)
        #expect(evaluateTime < .seconds(1))
    }
}
