import Foundation
import Retrieval
import Testing

@Suite("Hybrid search: reciprocal rank fusion and score interpolation")
struct HybridSearchTests {
    let bm25 = [ScoredDocument(id: "a", score: 10), ScoredDocument(id: "b", score: 5), ScoredDocument(id: "c", score: 0)]
    let dense = [ScoredDocument(id: "b", score: 0.9), ScoredDocument(id: "d", score: 0.5)]

    @Test("RRF: Σ 1/(60 + rank), computed by hand")
    func reciprocalRankFusion() {
        let fused = HybridSearch.fuse(bm25: bm25, dense: dense, method: .reciprocalRank(k: 60), k: 10)
        #expect(fused.map(\.id) == ["b", "a", "d", "c"])
        let expected: [String: Double] = ["a": 1.0 / 61, "b": 1.0 / 62 + 1.0 / 61, "c": 1.0 / 63, "d": 1.0 / 62]
        for hit in fused { #expect(abs(hit.score - expected[hit.id]!) < 1e-15) }
        #expect(HybridSearch.fuse(bm25: bm25, dense: dense, method: .reciprocalRank(k: 60), k: 2).map(\.id) == ["b", "a"])
    }

    @Test("interpolation: min-max per ranking, absent documents count 0, the weight is the dense share")
    func interpolation() {
        let even = HybridSearch.fuse(bm25: bm25, dense: dense, method: .interpolation(denseWeight: 0.5), k: 10)
        // bm25 normalised a 1, b 0.5, c 0; dense b 1, d 0.
        #expect(even.map(\.id) == ["b", "a", "c", "d"])
        #expect(even.map(\.score) == [0.75, 0.5, 0, 0])
        let denseOnly = HybridSearch.fuse(bm25: bm25, dense: dense, method: .interpolation(denseWeight: 1), k: 10)
        #expect(denseOnly.first?.id == "b")
        #expect(denseOnly.map(\.score) == [1, 0, 0, 0])
        let bm25Only = HybridSearch.fuse(bm25: bm25, dense: dense, method: .interpolation(denseWeight: 0), k: 10)
        #expect(bm25Only.map(\.id) == ["a", "b", "c", "d"])
        // A single hit (no spread) counts as its ranking's best.
        let single = HybridSearch.fuse(bm25: [ScoredDocument(id: "x", score: 3)], dense: [], method: .interpolation(denseWeight: 0.5), k: 5)
        #expect(single == [ScoredDocument(id: "x", score: 0.5)])
    }

    @Test("ties are broken by id whatever the input order; empty rankings", arguments: [FusionMethod.reciprocalRank(), .interpolation()])
    func tiesByID(method: FusionMethod) {
        let one = [ScoredDocument(id: "y", score: 1)], other = [ScoredDocument(id: "x", score: 1)]
        #expect(HybridSearch.fuse(bm25: one, dense: other, method: method, k: 5).map(\.id) == ["x", "y"])
        #expect(HybridSearch.fuse(bm25: other, dense: one, method: method, k: 5).map(\.id) == ["x", "y"])
        #expect(HybridSearch.fuse(bm25: [], dense: [], method: method, k: 5).isEmpty)
    }

    @Test("the hybrid retriever asks each side for max(k, candidates) and passes the exclusions on")
    func retrieverDepth() throws {
        let lexical = FixedRetriever(ranking: (0..<50).map { ScoredDocument(id: "l\($0)", score: Double(50 - $0)) })
        let semantic = FixedRetriever(ranking: (0..<50).map { ScoredDocument(id: "s\($0)", score: Double(50 - $0)) })
        let hybrid = HybridRetriever(bm25: lexical, dense: semantic, method: .reciprocalRank(), candidates: 20)
        let results = try hybrid.retrieve(["q"], k: 5, excluding: [["l0"]], progress: SilentProgress())
        #expect(results.count == 1)
        #expect(results[0].map(\.id) == ["l1", "s0", "l2", "s1", "l3"])
        #expect(lexical.depths.value == [20] && semantic.depths.value == [20])
        _ = try hybrid.retrieve(["q"], k: 30, excluding: nil, progress: SilentProgress())
        #expect(lexical.depths.value == [20, 30])
    }
}

/// Returns one fixed ranking (minus exclusions) and records the depths asked for.
private struct FixedRetriever: Retriever {
    let ranking: [ScoredDocument]
    let depths = Recorder()

    final class Recorder: @unchecked Sendable {
        // @unchecked: the tests call retrieve from one thread.
        var value: [Int] = []
    }

    func retrieve(_ queries: [String], k: Int, excluding: [Set<String>]?, progress: any ProgressReporter) throws -> [[ScoredDocument]] {
        depths.value.append(k)
        return queries.indices.map { q in
            let skip = excluding?[q] ?? []
            return Array(ranking.filter { !skip.contains($0.id) }.prefix(k))
        }
    }
}
