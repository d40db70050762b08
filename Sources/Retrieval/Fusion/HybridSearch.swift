/// How a hybrid search combines a BM25 ranking with a dense one.
public enum FusionMethod: Sendable, Hashable, CustomStringConvertible {
    /// Reciprocal rank fusion (Cormack et al., 2009): a document scores Σ 1 / (k + rank) over the
    /// rankings it appears in (ranks from 1). Scores are ignored, so no normalisation is needed.
    case reciprocalRank(k: Double = 60)
    /// Each ranking's scores are min-max normalised per query to [0, 1] (a document absent from a
    /// ranking gets 0 there), then combined as `denseWeight · dense + (1 − denseWeight) · bm25`.
    case interpolation(denseWeight: Double = 0.5)

    public static let `default` = FusionMethod.reciprocalRank()

    public var description: String {
        switch self {
        case .reciprocalRank(let k): return "rrf (k \(k.compact))"
        case .interpolation(let weight): return "interpolation (dense weight \(weight.compact))"
        }
    }
}

private extension Double {
    /// `60` rather than `60.0`.
    var compact: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

/// Fuses rankings of the same query into one.
public enum HybridSearch {
    /// The `k` best documents of the fusion of `bm25` and `dense` (each best first), best first;
    /// equal fused scores are ordered by id, so the result does not depend on input order.
    public static func fuse(bm25: [ScoredDocument], dense: [ScoredDocument], method: FusionMethod = .default,
                            k: Int) -> [ScoredDocument] {
        var fused: [String: Double] = [:]
        fused.reserveCapacity(bm25.count + dense.count)
        switch method {
        case .reciprocalRank(let constant):
            for ranking in [bm25, dense] {
                for (rank, hit) in ranking.enumerated() { fused[hit.id, default: 0] += 1 / (constant + Double(rank + 1)) }
            }
        case .interpolation(let weight):
            // A document absent from one ranking gets that ranking's 0.
            for hit in bm25 + dense { fused[hit.id] = 0 }
            for (ranking, share) in [(bm25, 1 - weight), (dense, weight)] {
                let scores = ranking.map(\.score)
                guard let low = scores.min(), let high = scores.max() else { continue }
                // One document, or all equal: each counts fully, as the best of its ranking.
                let span = high - low
                for hit in ranking {
                    fused[hit.id, default: 0] += share * (span > 0 ? (hit.score - low) / span : 1)
                }
            }
        }
        var ordered = fused.map { ScoredDocument(id: $0.key, score: $0.value) }
        ordered.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(ordered.prefix(Swift.max(0, k)))
    }
}

/// BM25 and dense retrieval fused per query. Each side retrieves `candidates` documents (at least
/// `k`), so a document ranked low by one side can still rise.
public struct HybridRetriever: Retriever {
    public let bm25: any Retriever
    public let dense: any Retriever
    public var method: FusionMethod
    public var candidates: Int

    public init(bm25: any Retriever, dense: any Retriever, method: FusionMethod = .default, candidates: Int = 100) {
        self.bm25 = bm25
        self.dense = dense
        self.method = method
        self.candidates = candidates
    }

    public func retrieve(_ queries: [String], k: Int, excluding: [Set<String>]?,
                         progress: any ProgressReporter) throws -> [[ScoredDocument]] {
        let depth = Swift.max(k, candidates)
        let lexical = try bm25.retrieve(queries, k: depth, excluding: excluding, progress: progress)
        let semantic = try dense.retrieve(queries, k: depth, excluding: excluding, progress: progress)
        return zip(lexical, semantic).map { HybridSearch.fuse(bm25: $0, dense: $1, method: method, k: k) }
    }
}
