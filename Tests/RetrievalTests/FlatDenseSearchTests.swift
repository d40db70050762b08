import CKernels
import Foundation
import Testing
import TestSupport
@testable import Retrieval

@Suite("Dense: exact flat search and distance kernels")
struct FlatDenseSearchTests {
    @Test("flat search equals a brute-force reference: top-k ids and scores")
    func flatMatchesBruteForce() throws {
        let dimension = 48, count = 3000, k = 10
        let vectors = VectorTestData.uniform(count: count, dimension: dimension, seed: 7)
        let ids = VectorTestData.ids(count)
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"))
        let queries = VectorTestData.uniform(count: 40, dimension: dimension, seed: 8)
        // A small block size so that the blocks' boundaries are crossed too.
        let results = try index.search(queries, k: k, blockSize: 700)
        #expect(results.count == 40)
        for q in 0..<40 {
            let reference = VectorTestData.bruteForce(vectors, dimension: dimension,
                                                      query: queries[(q * dimension)..<((q + 1) * dimension)], k: k + 1)
            #expect(results[q].count == k)
            VectorTestData.expectMatches(results[q], reference, ids: ids, "query \(q)")
        }
    }

    @Test("flat search: the same results with 1 and 2 threads, any block size; exclusions keep k results")
    func flatThreadsAndBlocks() throws {
        let dimension = 32, count = 2500
        let vectors = VectorTestData.clustered(count: count, dimension: dimension, centres: 20, noise: 0.5, seed: 21)
        let ids = VectorTestData.ids(count)
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"))
        // 300 queries: more than one query chunk.
        let queries = VectorTestData.clustered(count: 300, dimension: dimension, centres: 20, noise: 0.5, seed: 22)
        let one = try index.search(queries, k: 7, threads: 1)
        #expect(try index.search(queries, k: 7, blockSize: 333, threads: 2) == one)
        #expect(try index.search(queries, k: 7, blockSize: 100_000, threads: 2) == one)
        // Excluding each query's top 3 leaves the next 7 of a k = 10 search.
        let ten = try index.search(queries, k: 10, threads: 1)
        let excluded = ten.map { Set($0.prefix(3).map(\.id)) }
        let rest = try index.search(queries, k: 7, excluding: excluded, threads: 2)
        #expect(rest == ten.map { Array($0.dropFirst(3)) })
    }

    /// Issue 20: on AVX2 machines OpenBLAS's edge kernels summed some columns in another order
    /// (up to 4 ulps), so scores changed with the block size. Exact copies of a few vectors, spread
    /// across every block boundary, make the k-th place a tie that only deterministic scores settle.
    @Test("flat search: duplicates across blocks score equally and keep corpus order, whatever the blocks, threads and storage",
          arguments: [VectorType.f32, .f16])
    func flatDuplicatesAcrossBlocks(type: VectorType) throws {
        let dimension = 40, count = 1200
        let distinct = VectorTestData.clustered(count: 30, dimension: dimension, centres: 3, noise: 0.3, seed: 5)
        var vectors = VectorTestData.uniform(count: count, dimension: dimension, seed: 6)
        var random = SeededRandom(seed: 9)
        var copies: [Int: Int] = [:]  // document → which distinct vector it copies
        for d in 0..<count where random.next() % 3 == 0 {
            let source = Int(random.next() % 30)
            copies[d] = source
            vectors.replaceSubrange((d * dimension)..<((d + 1) * dimension), with: distinct[(source * dimension)..<((source + 1) * dimension)])
        }
        let ids = VectorTestData.ids(count)
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"), vectorType: type)
        let queries = Array(distinct[0..<(6 * dimension)]) + VectorTestData.uniform(count: 4, dimension: dimension, seed: 10)
        let one = try index.search(queries, k: 25, blockSize: 1024, threads: 1)
        for (blockSize, threads) in [(7, 2), (100, 1), (333, 2), (1199, 2), (100_000, 2)] {
            #expect(try index.search(queries, k: 25, blockSize: blockSize, threads: threads) == one,
                    "block size \(blockSize), \(threads) threads")
        }
        // One query at a time takes the f16 kernel path instead of the widened tile: the same results.
        for q in 0..<10 {
            #expect(try index.search(Array(queries[(q * dimension)..<((q + 1) * dimension)]), k: 25, threads: 2) == [one[q]])
        }
        for (q, hits) in one.enumerated() {
            let position = { (id: String) in Int(id.dropFirst(3))! }
            for (a, b) in zip(hits, hits.dropFirst()) {
                #expect(a.score > b.score || (a.score == b.score && position(a.id) < position(b.id)), "query \(q): \(a) before \(b)")
            }
            // Copies of one vector: equal scores, all of them present or the last ones cut at k.
            let groups = Dictionary(grouping: hits.filter { copies[position($0.id)] != nil }) { copies[position($0.id)]! }
            for (_, group) in groups { #expect(Set(group.map(\.score)).count == 1, "query \(q)") }
        }
    }

    @Test("deterministic scores: the full scan, taken when the candidates cannot settle the top k, gives the same top k")
    func deterministicScanAll() throws {
        let dimension = 24, count = 900
        let vectors = VectorTestData.uniform(count: count, dimension: dimension, seed: 12)
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: VectorTestData.ids(count), vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"))
        let query = VectorTestData.uniform(count: 1, dimension: dimension, seed: 13)
        let all = DeterministicScores.score(query, documents: Array(0..<count), index: index)
        let candidates = all.enumerated().map { (index: $0.offset, score: $0.element) }
        let excluded: Set<Int> = [Int(all.indices.max { all[$0] < all[$1] }!), 17]
        let settled = DeterministicScores.topK(10, query: query, candidates: candidates, rejectedAtMost: -.infinity,
                                               excluding: excluded, errorBound: 1e-6, index: index)
        // A heap that turned away a document scoring above every candidate forces the full scan.
        let scanned = DeterministicScores.topK(10, query: query, candidates: Array(candidates.prefix(20)), rejectedAtMost: .infinity,
                                               excluding: excluded, errorBound: 1e-6, index: index)
        let expected = (0..<count).filter { !excluded.contains($0) }.sorted { all[$0] != all[$1] ? all[$0] > all[$1] : $0 < $1 }.prefix(10)
        #expect(settled.map(\.index) == Array(expected))
        #expect(scanned == settled)
    }

    @Test("top-k kernel: SIMD and scalar paths keep the best k, earlier index first on ties", arguments: [false, true])
    func topKKernel(scalar: Bool) {
        let fold = scalar ? rk_topk_fold_scalar : rk_topk_fold
        var random = SeededRandom(seed: 4)
        let rows = 3, cols = 1000, k = 25
        // Coarse values, so that there are many ties.
        let scores = (0..<(rows * cols)).map { _ in Float(Int(random.next() % 200)) / 8 }
        var hs = [Float](repeating: 0, count: rows * k), hi = [Int64](repeating: 0, count: rows * k)
        var counts = [Int32](repeating: 0, count: rows)
        // Three calls over consecutive column ranges, as the search feeds blocks.
        for (start, end) in [(0, 3), (3, 517), (517, cols)] {
            scores.withUnsafeBufferPointer { p in
                fold(p.baseAddress! + start, cols, rows, end - start, Int64(start), k, &hs, &hi, &counts)
            }
        }
        struct Hit { var index: Int; var score: Float }
        let order: (Hit, Hit) -> Bool = { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        for r in 0..<rows {
            let all: [Hit] = (0..<cols).map { Hit(index: $0, score: scores[r * cols + $0]) }
            let expected: [Int] = all.sorted(by: order).prefix(k).map { $0.index }
            let kept: [Hit] = (0..<k).map { Hit(index: Int(hi[r * k + $0]), score: hs[r * k + $0]) }
            #expect(counts[r] == Int32(k))
            #expect(kept.sorted(by: order).map { $0.index } == expected)
        }
    }

    @Test("flat search: ties keep corpus order; k above the count; exclusions")
    func flatTiesAndEdges() throws {
        let dimension = 8
        var vectors = VectorTestData.uniform(count: 20, dimension: dimension, seed: 3)
        // Documents 5, 9 and 14 are the same vector.
        for i in [9, 14] { for j in 0..<dimension { vectors[i * dimension + j] = vectors[5 * dimension + j] } }
        let ids = VectorTestData.ids(20)
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"))
        let query = Array(vectors[(5 * dimension)..<(6 * dimension)])
        let top = try index.search(query, k: 3)[0]
        #expect(top.map(\.id) == ["doc5", "doc9", "doc14"])
        #expect(try index.search(query, k: 50)[0].count == 20)
        let excluded = try index.search(query, k: 2, excluding: [["doc5"]])[0]
        #expect(excluded.map(\.id) == ["doc9", "doc14"])
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3], k: 1) }
    }

    @Test("distance kernels: SIMD and scalar paths equal a Double reference", arguments: [false, true])
    func kernels(scalar: Bool) {
        let dotF = scalar ? rk_dot_f32_scalar : rk_dot_f32
        let l2F = scalar ? rk_l2sq_f32_scalar : rk_l2sq_f32
        let dotGather = scalar ? rk_dot_f32_gather_scalar : rk_dot_f32_gather
        let l2Gather = scalar ? rk_l2sq_f32_gather_scalar : rk_l2sq_f32_gather
        var random = SeededRandom(seed: 11)
        for n in [1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 100, 384] {
            let rows = 9
            let base = (0..<(rows * n)).map { _ in Float(random.gaussian()) }
            let q = (0..<n).map { _ in Float(random.gaussian()) }
            func reference(_ r: Int, l2: Bool) -> Double { VectorTestData.reference(q, base, row: r, l2: l2) }
            let tolerance = 1e-4 * Double(n).squareRoot()
            for r in 0..<rows {
                let dot = base.withUnsafeBufferPointer { dotF(q, $0.baseAddress! + r * n, n) }
                let l2 = base.withUnsafeBufferPointer { l2F(q, $0.baseAddress! + r * n, n) }
                #expect(abs(Double(dot) - reference(r, l2: false)) < tolerance, "n \(n)")
                #expect(abs(Double(l2) - reference(r, l2: true)) < tolerance * 4, "n \(n)")
            }
            // Gathered rows in a scrambled order, every group size (full groups of four and a tail).
            let order: [UInt32] = [4, 0, 8, 2, 2, 7, 1, 5, 3]
            for count in 1...order.count {
                var dots = [Float](repeating: 0, count: count), l2s = [Float](repeating: 0, count: count)
                dotGather(q, base, n, order, count, n, &dots)
                l2Gather(q, base, n, order, count, n, &l2s)
                for j in 0..<count {
                    #expect(abs(Double(dots[j]) - reference(Int(order[j]), l2: false)) < tolerance)
                    #expect(abs(Double(l2s[j]) - reference(Int(order[j]), l2: true)) < tolerance * 4)
                }
                // Row 2 sits last in the first group and first in the second: equal results, bit for bit.
                if count >= 5 {
                    #expect(dots[3] == dots[4])
                    #expect(l2s[3] == l2s[4])
                }
            }
        }
    }
}
