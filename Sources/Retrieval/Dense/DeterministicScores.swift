import CKernels
import Foundation

/// Exact search's final scores: every document is scored by the gather kernel, which sums a row
/// the same way wherever it lies (`rk_dot_f32_gather`, `rk_dot_f16_gather`), so a score depends on
/// the query and the document only, never on block sizes, thread counts or which sgemm kernel
/// OpenBLAS chose for a shape. sgemm's scores only pick the candidates.
///
/// Both sums have the same exact value and each lies within γₙ·‖q‖·‖d‖ of it (γₙ = nu/(1 − nu),
/// Higham's bound for any summation order), so they differ by at most `errorBound`. Candidates
/// whose sgemm score is within twice that of the k-th are rescored; when the documents a heap
/// turned away might still reach that band, the query is rescored against every document.
enum DeterministicScores {
    struct Hit: Equatable { var index: Int; var score: Float }

    /// The k best documents by the deterministic score, ties by corpus order, without `skip`.
    /// `candidates`: sgemm's scores of the documents the heaps kept; `rejectedAtMost`: the highest
    /// sgemm score a full heap turned away (-infinity when no heap was full).
    static func topK(_ k: Int, query: [Float], candidates: [(index: Int, score: Float)], rejectedAtMost: Float,
                     excluding skip: Set<Int>, errorBound: Float, index: FlatDenseIndex) -> [Hit] {
        var open = candidates.filter { skip.isEmpty || !skip.contains($0.index) }
        open.sort { $0.score > $1.score }
        let kth = open.count >= k ? open[k - 1].score : -Float.infinity
        // A document in the deterministic top k has an sgemm score of at least kth − 2·bound.
        let floor = kth - 2 * errorBound
        guard rejectedAtMost == -.infinity || rejectedAtMost < floor else {
            return scanAll(k, query: query, excluding: skip, index: index)
        }
        let band = open.prefix { $0.score >= floor }.map { $0.index }
        let scores = score(query, documents: band, index: index)
        var hits = zip(band, scores).map { Hit(index: $0, score: $1) }
        hits.sort(by: ranksBefore)
        return Array(hits.prefix(k))
    }

    static func ranksBefore(_ a: Hit, _ b: Hit) -> Bool { a.score != b.score ? a.score > b.score : a.index < b.index }

    /// Scores of `query` against `documents` (indexes), by the gather kernel of the stored type.
    static func score(_ query: [Float], documents: [Int], index: FlatDenseIndex) -> [Float] {
        guard !documents.isEmpty else { return [] }
        let ids = documents.map { UInt32($0) }
        var out = [Float](repeating: 0, count: ids.count)
        let base = index.encodedVectors!, dimension = index.dimension
        switch index.vectorType {
        case .f32:
            rk_dot_f32_gather(query, base.assumingMemoryBound(to: Float.self), dimension, ids, ids.count, dimension, &out)
        case .f16:
            rk_dot_f16_gather(query, base.assumingMemoryBound(to: UInt16.self), dimension, ids, ids.count, dimension, &out)
        }
        return out
    }

    /// The rare query whose candidates do not settle the top k: every document scored exactly.
    private static func scanAll(_ k: Int, query: [Float], excluding skip: Set<Int>, index: FlatDenseIndex) -> [Hit] {
        let heapSize = Swift.min(index.count, k + skip.count)
        var heapScores = [Float](repeating: 0, count: heapSize), heapIDs = [Int64](repeating: 0, count: heapSize)
        var kept: Int32 = 0
        let chunk = 4096
        for start in stride(from: 0, to: index.count, by: chunk) {
            let end = Swift.min(start + chunk, index.count)
            let scores = score(query, documents: Array(start..<end), index: index)
            // In increasing index order, so that an equal score never displaces an earlier document.
            rk_topk_fold(scores, scores.count, 1, scores.count, Int64(start), heapSize, &heapScores, &heapIDs, &kept)
        }
        var hits = (0..<Int(kept)).map { Hit(index: Int(heapIDs[$0]), score: heapScores[$0]) }
        hits.removeAll { skip.contains($0.index) }
        hits.sort(by: ranksBefore)
        return Array(hits.prefix(k))
    }

    /// The largest L2 norm of the stored vectors (as widened to Float32), rounded up.
    static func maxNorm(of index: FlatDenseIndex) -> Float {
        var largest: Float = 0
        let chunk = 1024
        var row = [Float](repeating: 0, count: index.dimension * chunk)
        for start in stride(from: 0, to: index.count, by: chunk) {
            let end = Swift.min(start + chunk, index.count)
            index.vectorType.decode(index.encodedRows(start..<end).baseAddress!, count: (end - start) * index.dimension,
                                    into: &row)
            row.withUnsafeBufferPointer { p in
                for r in 0..<(end - start) {
                    let v = p.baseAddress! + r * index.dimension
                    largest = Swift.max(largest, rk_dot_f32_scalar(v, v, index.dimension))
                }
            }
        }
        // The squared norm's own rounding is within γₙ: 1% headroom covers it many times over.
        return largest.squareRoot() * 1.01
    }

    /// The bound on |sgemm's score − the gather kernel's| for a query, given the largest document norm.
    static func errorBound(query: [Float], maxNorm: Float, dimension: Int) -> Float {
        let u = Double(Float.ulpOfOne) / 2, n = Double(dimension + 2)
        let gamma = n * u / (1 - n * u)
        let queryNorm = query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        // Twice: one γₙ for each of the two sums, and a factor 2 of headroom (FMA or not, tree or chain).
        return Float(4 * gamma * queryNorm * Double(maxNorm)) + Float.leastNormalMagnitude
    }
}
