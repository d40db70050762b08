import Foundation
import Testing
@testable import Evaluation

/// trec_eval semantics on small hand-computed cases.
@Suite struct MetricTests {
    func run(_ query: String, _ documents: [(String, Double)]) -> Run {
        Run([(queryID: query, documents: documents.map { ScoredDocument(id: $0.0, score: $0.1) })])
    }

    @Test func tiesBreakByDocumentIDDescendingInByteOrder() {
        let evaluator = Evaluator(metrics: MetricSet([.reciprocalRank]))
        // Equal scores: "b" before "a"; "a" (0x61) before "B" (0x42).
        #expect(evaluator.evaluate(run: run("q", [("a", 1), ("b", 1), ("c", 0.5)]), qrels: ["q": ["a": 1]]).meanValues == [0.5])
        #expect(evaluator.evaluate(run: run("q", [("B", 1), ("a", 1)]), qrels: ["q": ["B": 1]]).meanValues == [0.5])
        // The written order does not matter.
        #expect(evaluator.evaluate(run: run("q", [("c", 0.5), ("a", 0.9), ("b", 1)]), qrels: ["q": ["a": 1]]).meanValues == [0.5])
    }

    /// trec_eval 9.0.8 (pytrec_eval 0.5.11) keeps scores as Float: doubles that round to the same
    /// Float tie, and the tie goes to the larger document id.
    @Test func scoresAreComparedAsFloat() {
        let evaluator = Evaluator(metrics: MetricSet([.reciprocalRank]))
        let report = evaluator.evaluate(run: run("q", [("x", 0.1 + 1e-12), ("y", 0.1)]), qrels: ["q": ["x": 1]])
        #expect(report.meanValues == [0.5])
    }

    @Test func depthCutIsAStableSortOnScore() {
        let evaluator = Evaluator(metrics: MetricSet([.reciprocalRank, .recall(10)]))
        let tied = run("q", [("a", 1), ("b", 1), ("c", 1), ("d", 2)])
        // Depth 2 keeps d and then a (first of the tie in run order); c is cut.
        #expect(evaluator.evaluate(run: tied, qrels: ["q": ["c": 1]], depth: 2).meanValues == [0, 0])
        #expect(evaluator.evaluate(run: tied, qrels: ["q": ["a": 1]], depth: 2).meanValues == [0.5, 1])
        // Without a cut, c is second (d, then c > b > a).
        #expect(evaluator.evaluate(run: tied, qrels: ["q": ["c": 1]], depth: nil).meanValues == [0.5, 1])
    }

    @Test func excludedIDsAreRemovedBeforeRanking() {
        let evaluator = Evaluator(metrics: MetricSet([.reciprocalRank, .precision(1)]))
        let report = evaluator.evaluate(
            run: run("q", [("self", 9), ("g", 1)]), qrels: ["q": ["g": 1]], excludedIDs: ["q": ["self"]])
        #expect(report.meanValues == [1, 1])
    }

    @Test func gradedNDCGAndCutoffs() throws {
        let evaluator = Evaluator(metrics: MetricSet([.ndcgCut(1), .ndcgCut(2), .ndcgCut(10), .precision(5), .mapCut(1), .mapCut(10), .recall(1), .averagePrecision]))
        let report = evaluator.evaluate(run: run("q", [("b", 2), ("a", 1), ("n", 0.5)]), qrels: ["q": ["a": 2, "b": 1, "c": 1, "z": 0]])
        let dcg2 = 1.0 / log2(2.0) + 2.0 / log2(3.0)
        let ideal2 = 2.0 / log2(2.0) + 1.0 / log2(3.0)
        let ideal3 = ideal2 + 1.0 / log2(4.0)
        let values = report.meanValues
        #expect(values[0] == 0.5)  // b (grade 1) first; ideal has grade 2 first
        #expect(values[1] == dcg2 / ideal2)
        #expect(values[2] == dcg2 / ideal3)
        #expect(values[3] == 2.0 / 5.0)  // P@5 divides by 5 although only 3 were retrieved
        #expect(values[4] == 1.0 / 3.0)  // map_cut divides by the 3 relevant documents
        #expect(values[5] == (1.0 + 1.0) / 3.0)
        #expect(values[6] == 1.0 / 3.0)
        #expect(values[7] == 2.0 / 3.0)
    }

    @Test func whichQueriesAreEvaluated() {
        let evaluator = Evaluator(metrics: .standard)
        var run = Run()
        run.setRanking([ScoredDocument(id: "d", score: 1)], for: "zero")
        run.setRanking([], for: "empty")
        run.setRanking([ScoredDocument(id: "d", score: 1)], for: "unjudged")
        let report = evaluator.evaluate(run: run, qrels: ["zero": ["d": 0], "empty": ["d": 1], "only-qrels": ["d": 1]])
        #expect(report.evaluatedQueries == ["zero", "empty"])
        #expect(report.values["zero"]! .allSatisfy { $0 == 0 })
        #expect(report.values["empty"]!.allSatisfy { $0 == 0 })
        #expect(report.meanValues.allSatisfy { $0 == 0 })

        let nothing = evaluator.evaluate(run: Run(), qrels: ["q": ["d": 1]])
        #expect(nothing.evaluatedQueries.isEmpty && nothing.meanValues.allSatisfy { $0 == 0 })
    }

    @Test func brightProtocolScoresEveryExample() {
        let examples = [
            BRIGHTExample(id: "1", query: "q", goldIDs: ["a"], excludedIDs: ["N/A"]),
            BRIGHTExample(id: "2", query: "q", goldIDs: ["b"], excludedIDs: ["x"]),
            BRIGHTExample(id: "3", query: "q", goldIDs: ["c"]),
        ]
        let run = Run([
            (queryID: "1", documents: [ScoredDocument(id: "a", score: 1)]),
            (queryID: "2", documents: [ScoredDocument(id: "x", score: 2), ScoredDocument(id: "b", score: 1)]),
            (queryID: "not-an-example", documents: [ScoredDocument(id: "a", score: 1)]),
        ])
        let report = Evaluator(metrics: MetricSet([.reciprocalRank])).evaluate(run: run, brightExamples: examples)
        #expect(report.evaluatedQueries == ["1", "2", "3"])  // 3 is missing from the run: scores 0
        #expect(report.meanValues == [2.0 / 3.0])
        #expect(examples[0].excludedIDs.isEmpty)
    }

    @Test func metricNames() {
        for metric in MetricSet.standard {
            #expect(Metric(name: metric.pytrecName) == metric)
            #expect(Metric(name: metric.brightName) == metric)
        }
        #expect(Metric.precision(10).pytrecName == "P_10")
        #expect(Metric.mapCut(10).brightName == "MAP@10")
        #expect(Metric(name: "ndcg_cut_0") == nil)
        #expect(Metric(name: "ndcg") == nil)
        #expect(MetricSet.bright.count == 25)
        #expect(MetricSet([.averagePrecision, .averagePrecision]).count == 1)
    }

    /// Python's `round(x, n)`: exact binary value, ties to even.
    @Test func pythonRounding() {
        #expect(EvaluationReport.round(2.675, digits: 2) == 2.67)
        #expect(EvaluationReport.round(0.125, digits: 2) == 0.12)
        #expect(EvaluationReport.round(0.375, digits: 2) == 0.38)
        #expect(EvaluationReport.round(0.6707549392900208, digits: 5) == 0.67075)
        #expect(EvaluationReport.round(0.000015, digits: 5) == 0.00002)
        #expect(EvaluationReport.round(1e300, digits: 5) == 1e300)
        #expect(EvaluationReport.round(0.5, digits: 0) == 0)
    }

    @Test func jsonAndTable() {
        let report = Evaluator(metrics: MetricSet([.ndcgCut(10), .recall(100), .reciprocalRank, .averagePrecision]))
            .evaluate(run: run("q", [("a", 1), ("b", 0.5)]), qrels: ["q": ["b": 1, "c": 2]])
        #expect(report.jsonString() == #"{"ndcg_cut_10": 0.23981, "recall_100": 0.5, "recip_rank": 0.5, "map": 0.25, "num_q": 1}"#)
        #expect(report.jsonString(.bright, includeQueryCount: false) == #"{"NDCG@10": 0.23981, "Recall@100": 0.5, "MRR": 0.5, "MAP": 0.25}"#)
        #expect(report.jsonObject == ["ndcg_cut_10": 0.23981, "recall_100": 0.5, "recip_rank": 0.5, "map": 0.25])
        let table = report.table()
        #expect(table.contains("NDCG"))
        #expect(table.contains("0.23981"))
        #expect(table.contains("MRR"))
        #expect(table.hasPrefix("queries evaluated: 1"))
    }
}
