import Foundation
import Testing
@testable import Evaluation
import TestSupport

/// Reference: `shared/fixtures/golden/bright_metrics_reasonir.json`, made by BRIGHT's protocol
/// with pytrec_eval 0.5.11 on the ReasonIR-8B top-100 runs. Means must round (Python `round`,
/// 5 decimals) to the golden values; per-query values must agree to 1e-12.
@Suite struct GoldenBRIGHTTests {
    static func golden() throws -> [String: Any] { try TestPaths.json("bright_metrics_reasonir.json") }

    @Test(arguments: BRIGHTDataset.tasks)
    func reasonIRRunMatchesPytrecEval(task: String) throws {
        let golden = try Self.golden()
        let order = try #require(golden["per_query_metric_order"] as? [String])
        let entry = try #require((golden["tasks"] as? [String: Any])?[task] as? [String: Any])
        let expectedMeans = try #require(entry["metrics"] as? [String: Any])
        let expectedPerQuery = try #require(entry["per_query"] as? [String: [Any]])

        let examples = try BRIGHTDataset(directory: TestPaths.bright).examples(task: task).collect()
        let run = try Run.read(from: TestPaths.bright.appendingPathComponent("runs/reasonir-8b-gpt4-reasoning-top100/\(task).trec"))
        let report = Evaluator(metrics: .bright).evaluate(run: run, brightExamples: examples)

        #expect(report.evaluatedQueries.count == (entry["n_evaluated"] as? Int))
        #expect(Set(report.evaluatedQueries) == Set(expectedPerQuery.keys))

        // Means, BRIGHT keys, rounded to 5 decimals.
        #expect(report.brightMetrics.count == expectedMeans.count)
        for (metric, unrounded) in zip(report.metrics, report.meanValues) {
            let expected = try #require(number(expectedMeans[metric.brightName]), "\(task): no \(metric.brightName)")
            #expect(abs(EvaluationReport.round(unrounded, digits: 5) - expected) < 1e-9, "\(task) \(metric.brightName)")
            #expect(abs(unrounded - expected) <= 5e-6, "\(task) \(metric.brightName)")
        }

        // Per-query values, in the golden's metric order.
        let metrics = try order.map { try #require(Metric(name: $0)) }
        var largestDifference = 0.0
        for (queryID, expectedValues) in expectedPerQuery {
            for (metric, expected) in zip(metrics, expectedValues) {
                let actual = try #require(report.value(metric, query: queryID), "\(task) query \(queryID)")
                let difference = abs(actual - (number(expected) ?? .nan))
                largestDifference = max(largestDifference, difference)
                #expect(difference <= 1e-12, "\(task) query \(queryID) \(metric)")
            }
        }
        #expect(largestDifference <= 1e-12)
    }

    /// The runs hold no excluded id, so removing them changes nothing (the fixture's
    /// `ndcg10_without_excluded_removal`); and the runs hold every example query.
    @Test func exclusionsDoNotTouchTheseRuns() throws {
        let golden = try Self.golden()
        let tasks = try #require(golden["tasks"] as? [String: [String: Any]])
        for task in ["aops", "leetcode", "theoremqa_questions"] {
            let examples = try BRIGHTDataset(directory: TestPaths.bright).examples(task: task).collect()
            #expect(examples.allSatisfy { !$0.excludedIDs.isEmpty })
            let run = try Run.read(from: TestPaths.bright.appendingPathComponent("runs/reasonir-8b-gpt4-reasoning-top100/\(task).trec"))
            let plain = Evaluator(metrics: MetricSet([.ndcgCut(10)])).evaluate(run: run, qrels: examples.qrels)
            let expected = try #require(number(tasks[task]?["ndcg10_without_excluded_removal"]))
            #expect(EvaluationReport.round(plain.meanValues[0], digits: 5) == expected)
        }
    }
}
