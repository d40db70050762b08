import CKernels
import Foundation
import Testing
@testable import Retrieval

/// Reproducible random vectors for the dense index tests.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func uniform() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    mutating func gaussian() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform())
    }
}

enum VectorTestData {
    /// `count` unit vectors around `centres` random unit centres, Gaussian noise of total norm
    /// about `noise` added to the centre before normalising.
    static func clustered(count: Int, dimension: Int, centres centreCount: Int, noise: Double,
                          seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var centres: [[Double]] = []
        for _ in 0..<centreCount { centres.append(normalised((0..<dimension).map { _ in random.gaussian() })) }
        var out: [Float] = []
        out.reserveCapacity(count * dimension)
        let sigma = noise / Double(dimension).squareRoot()
        for _ in 0..<count {
            let centre = centres[Int(random.next() % UInt64(centreCount))]
            let v = normalised(centre.map { $0 + sigma * random.gaussian() })
            out.append(contentsOf: v.map { Float($0) })
        }
        return out
    }

    /// Uniform random unit vectors.
    static func uniform(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var out: [Float] = []
        for _ in 0..<count { out.append(contentsOf: normalised((0..<dimension).map { _ in random.gaussian() }).map { Float($0) }) }
        return out
    }

    static func normalised(_ v: [Double]) -> [Double] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    static func ids(_ count: Int, prefix: String = "doc") -> [String] { (0..<count).map { "\(prefix)\($0)" } }

    /// Exact top-k by inner product (or minus the squared L2 distance) in Double, ties by
    /// position: (position, score) best first.
    static func bruteForce(_ vectors: [Float], dimension: Int, query: ArraySlice<Float>, k: Int,
                           metric: HNSWMetric = .innerProduct) -> [(position: Int, score: Double)] {
        let count = vectors.count / dimension
        let q = Array(query).map(Double.init)
        var scores = [Double](repeating: 0, count: count)
        vectors.withUnsafeBufferPointer { v in
            q.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { out in
                    for i in 0..<count {
                        var s = 0.0
                        let row = v.baseAddress! + i * dimension
                        if metric == .innerProduct {
                            for j in 0..<dimension { s += q[j] * Double(row[j]) }
                        } else {
                            for j in 0..<dimension { let d = q[j] - Double(row[j]); s -= d * d }
                        }
                        out[i] = s
                    }
                }
            }
        }
        // Insertion into a sorted list of k: cheap for small k, even in a debug build.
        var best: [(position: Int, score: Double)] = []
        best.reserveCapacity(k + 1)
        for i in 0..<count {
            let s = scores[i]
            if best.count == k, let last = best.last, !(s > last.score) { continue }
            var at = best.count
            while at > 0 && s > best[at - 1].score { at -= 1 }
            best.insert((i, s), at: at)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// The inner product of `q` and row `row` of `base` (rows of `q.count` values), or with `l2`
    /// their squared distance, in Double: the kernels' reference.
    static func reference(_ q: [Float], _ base: [Float], row: Int, l2: Bool) -> Double {
        let n = q.count
        return (0..<n).reduce(0.0) { sum, j in
            let a = Double(q[j]), b = Double(base[row * n + j])
            return sum + (l2 ? (a - b) * (a - b) : a * b)
        }
    }

    /// `values` rounded to the nearest Float16 and widened again: what a Float16 index holds.
    static func roundedToHalf(_ values: [Float]) -> [Float] {
        var halves = [UInt16](repeating: 0, count: values.count)
        var out = [Float](repeating: 0, count: values.count)
        rk_f32_to_f16(values, &halves, values.count)
        rk_f16_to_f32(halves, &out, values.count)
        return out
    }

    /// Checks a search's hits against a brute-force reference of at least `k + 1` (position,
    /// score): every score within `tolerance` of the reference's at its rank, and every id equal
    /// unless a neighbouring reference score is within `tolerance` (a tie up to rounding).
    static func expectMatches(_ got: [ScoredDocument], _ reference: [(position: Int, score: Double)], ids: [String],
                              tolerance: Double = 1e-5, _ comment: String) {
        for (rank, hit) in got.enumerated() {
            #expect(abs(hit.score - reference[rank].score) < tolerance, "\(comment) rank \(rank)")
            let gapBefore = rank == 0 ? 1.0 : reference[rank - 1].score - reference[rank].score
            let gapAfter = reference[rank].score - reference[rank + 1].score
            if gapBefore > tolerance && gapAfter > tolerance {
                #expect(hit.id == ids[reference[rank].position], "\(comment) rank \(rank)")
            }
        }
    }

    /// The share of `truth`'s ids (per query) that `results` found.
    static func recall(_ results: [[ScoredDocument]], truth: [[ScoredDocument]]) -> Double {
        var found = 0, total = 0
        for (hits, expected) in zip(results, truth) {
            let wanted = Set(expected.map(\.id))
            found += hits.filter { wanted.contains($0.id) }.count
            total += expected.count
        }
        return Double(found) / Double(max(total, 1))
    }

    /// Writes a flat index of these vectors with `DenseIndexBuilder`.
    static func flatIndex(ids: [String], vectors: [Float], dimension: Int, at directory: URL,
                          model name: String = "test-model", vectorType: VectorType = .f32) throws -> FlatDenseIndex {
        let model = EmbeddingModelIdentity(name: name, fingerprint: "0123456789abcdef", dimension: dimension)
        let builder = try DenseIndexBuilder(destination: directory, model: model, source: nil, vectorType: vectorType)
        let batch = 1000
        var start = 0
        while start < ids.count {
            let end = min(start + batch, ids.count)
            try builder.append(ids: Array(ids[start..<end]), vectors: Array(vectors[(start * dimension)..<(end * dimension)]))
            start = end
        }
        try builder.finish()
        return try FlatDenseIndex(directory: directory, model: model)
    }
}
