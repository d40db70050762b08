import Foundation
import Testing
@testable import ReasonIR
import TestSupport

/// BM25 end to end against BRIGHT's own code (`bm25_bright_*`, gensim + pyserini) and Anserini
/// (`bm25_lucene_*`), on SciFact test and TheoremQA-theorems dev.
@Suite(.serialized) struct BM25ParityTests {
    /// Indexes are built once per dataset for the whole suite.
    static let scifact = Result { try Fixture(dataset: TestPaths.scifact, split: "test") }
    static let theoremQA = Result { try Fixture(dataset: TestPaths.theoremQA, split: "dev") }

    struct Fixture {
        let dataset: EvaluationDataset
        let index: BM25Index

        init(dataset directory: URL, split: String) throws {
            dataset = try EvaluationDataset.open(directory: directory, split: split)
            index = try BM25Indexing.build(corpus: dataset.corpus, to: (try TestPaths.temporaryDirectory()).appendingPathComponent("bm25"))
        }

        func evaluate(_ variant: BM25Variant) throws -> RetrievalEvaluation {
            try RetrievalEvaluation.evaluate(BM25Retriever(index: index, variant: variant), on: dataset)
        }
    }

    static func golden(_ dataset: String) throws -> [String: Any] {
        try TestPaths.json("bm25_bright_metrics.json")[dataset] as! [String: Any]
    }

    @Test func scifactBRIGHTMatchesBRIGHTsCode() throws {
        let fixture = try Self.scifact.get()
        let result = try fixture.evaluate(.bright)
        let golden = try Self.golden("scifact")
        let expected = ((golden["metrics_top1000"] as! [String: Any])["requested_unrounded"] as! [String: Double])["ndcg_cut_10"]!
        let ndcg = try #require(result.report.mean(.ndcgCut(10)))
        #expect(abs(ndcg - expected) < 0.001, "nDCG@10 \(ndcg), BRIGHT's code \(expected)")
        #expect(fixture.index.termCount == golden["num_terms"] as! Int)
        #expect(abs(fixture.index.averageDocumentLength - (golden["avgdl"] as! Double)) < 1e-9)

        // The same top 10 for at least 99% of queries, ties at the 10th score aside.
        let reference = try Run.read(from: TestPaths.golden.appendingPathComponent("bm25_bright_scifact.trec"))
        var same = 0
        var maxRelativeScoreError = 0.0
        for query in fixture.dataset.queries {
            let ours = Array(result.run[query.id]!.prefix(10))
            let theirs = Array(reference[query.id]!.prefix(10))
            let cutoff = Float(theirs.last!.score)
            let firm = { (hits: [ScoredDocument]) in Set(hits.filter { Float($0.score) > cutoff }.map(\.id)) }
            if firm(ours) == firm(theirs) && Float(ours.last!.score) == cutoff { same += 1 }
            let theirScores = Dictionary(theirs.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
            for hit in ours { if let score = theirScores[hit.id], score > 0 {
                maxRelativeScoreError = max(maxRelativeScoreError, abs(hit.score - score) / score)
            } }
        }
        #expect(Double(same) >= 0.99 * Double(fixture.dataset.queries.count), "same top 10 for \(same) of \(fixture.dataset.queries.count)")
        #expect(maxRelativeScoreError < 1e-6, "largest relative score difference \(maxRelativeScoreError)")
    }

    @Test func scifactLuceneMatchesAnserini() throws {
        let fixture = try Self.scifact.get()
        let result = try fixture.evaluate(.lucene)
        let lucene = try TestPaths.json("bm25_lucene_metrics.json")["lucene"] as! [String: Any]
        let expected = (lucene["bright_calculate_retrieval_metrics"] as! [String: Double])["NDCG@10"]!
        let ndcg = try #require(result.report.mean(.ndcgCut(10)))
        #expect(abs(ndcg - expected) < 0.002, "nDCG@10 \(ndcg), Anserini \(expected)")

        // Anserini rounds scores to 4 decimals and shifts ties by 1e-6 each: top-1 scores agree to that.
        let reference = try Run.read(from: TestPaths.golden.appendingPathComponent("bm25_lucene_scifact.trec"))
        for query in fixture.dataset.queries {
            let ours = try #require(result.run[query.id]?.first), theirs = try #require(reference[query.id]?.first)
            #expect(abs(ours.score - theirs.score) < 1e-4, "query \(query.id): \(ours.score) vs \(theirs.score)")
        }
    }

    @Test func theoremQABRIGHTMatchesBRIGHTsCode() throws {
        let result = try Self.theoremQA.get().evaluate(.bright)
        let expected = ((try Self.golden("theoremqa_dev")["metrics_top1000"] as! [String: Any])["requested_unrounded"] as! [String: Double])["ndcg_cut_10"]!
        let ndcg = try #require(result.report.mean(.ndcgCut(10)))
        #expect(abs(ndcg - expected) < 0.001, "nDCG@10 \(ndcg), BRIGHT's code \(expected)")
    }

    /// idf, query weights and document weights of the first three queries, term by term.
    @Test(arguments: ["scifact", "theoremqa_dev"])
    func scoreDecompositionMatches(dataset name: String) throws {
        let fixture = try (name == "scifact" ? Self.scifact : Self.theoremQA).get()
        let index = fixture.index
        for entry in try Self.golden(name)["score_decomposition_first3"] as! [[String: Any]] {
            let tokens = entry["tokens"] as! [String]
            let query = fixture.dataset.queries.first { $0.id == entry["qid"] as! String }!
            #expect(EnglishAnalyzer().analyze(query.text) == tokens)
            for term in entry["terms"] as! [[String: Any]] {
                let id = try #require(index.termID(of: term["term"] as! String))
                #expect(index.documentFrequency(ofTermID: id) == term["df"] as! Int)
            }
            let hits = index.search(query.text, k: 3, variant: .bright)
            for (hit, top) in zip(hits, entry["top3"] as! [[String: Any]]) {
                #expect(hit.id == top["docid"] as! String)
                #expect(abs(hit.score - (top["score"] as! Double)) <= 1e-6 * hit.score)
            }
        }
    }
}
