import CKernels
import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// Float16 vector storage: the conversion, the f16·f32 kernels, and flat and HNSW indexes that
/// store halves.
@Suite("Dense: Float16 vectors")
struct HalfPrecisionTests {
    @Test("f32 → f16: the scalar and F16C paths round to nearest even, as Swift's Float16 does", arguments: [0, 1])
    func conversion(level: Int32) {
        var random = SeededRandom(seed: 3)
        var values: [Float] = [0, -0, 1, -1, 65504, -65504, 65519.99, 65520, 1e-8, 5.9604645e-8, 2.9802322e-8, 2.9802326e-8,
                               8.940697e-8, 6.1035156e-5, 6.1032e-5, 1.00048828125, 1.00146484375, 2049, 2051, .infinity]
        for _ in 0..<20_000 {
            let bits = UInt32(truncatingIfNeeded: random.next())
            let value = Float(bitPattern: bits)
            if value.isFinite { values.append(value) }
            values.append(Float(random.gaussian()) * [1e-6, 1e-3, 1, 1e3, 6e4][Int(random.next() % 5)])
        }
        var halves = [UInt16](repeating: 0, count: values.count)
        rk_f32_to_f16_at(level, values, &halves, values.count)
        for (value, half) in zip(values, halves) {
            #if !(os(macOS) && arch(x86_64))
            #expect(half == Float16(value).bitPattern, "\(value)")
            #endif
            // Either way: the nearest half, so widening back is within half an ulp (2^-11 relative).
            var back: Float = 0
            rk_f16_to_f32([half], &back, 1)
            if abs(value) <= 65504 && abs(value) >= 6.1035156e-5 {
                #expect(abs(back - value) <= abs(value) * 0x1p-11, "\(value)")
            }
        }
    }

    @Test("f16·f32 kernels: scalar, AVX2 and AVX-512 paths equal a Double reference", arguments: [0, 1, 2])
    func kernels(level: Int32) {
        var random = SeededRandom(seed: 17)
        for n in [1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 384] {
            let rows = 9
            let base = VectorTestData.roundedToHalf((0..<(rows * n)).map { _ in Float(random.gaussian()) })
            var halves = [UInt16](repeating: 0, count: base.count)
            rk_f32_to_f16(base, &halves, base.count)
            let q = (0..<n).map { _ in Float(random.gaussian()) }
            func reference(_ r: Int, l2: Bool) -> Double { VectorTestData.reference(q, base, row: r, l2: l2) }
            let tolerance = 1e-4 * Double(n).squareRoot()
            let order: [UInt32] = [4, 0, 8, 2, 2, 7, 1, 5, 3]
            for count in 1...order.count {
                var dots = [Float](repeating: 0, count: count), l2s = [Float](repeating: 0, count: count)
                rk_dot_f16_gather_at(level, q, halves, n, order, count, n, &dots)
                rk_l2sq_f16_gather_at(level, q, halves, n, order, count, n, &l2s)
                for j in 0..<count {
                    #expect(abs(Double(dots[j]) - reference(Int(order[j]), l2: false)) < tolerance, "n \(n)")
                    #expect(abs(Double(l2s[j]) - reference(Int(order[j]), l2: true)) < tolerance * 4, "n \(n)")
                }
                // Row 2 last in the first group and first in the second: equal results, bit for bit.
                if count >= 5 { #expect(dots[3] == dots[4] && l2s[3] == l2s[4]) }
            }
            for count in 1...rows {
                var dots = [Float](repeating: 0, count: count)
                rk_dot_f16_rows_at(level, q, halves, count, n, &dots)
                for r in 0..<count { #expect(abs(Double(dots[r]) - reference(r, l2: false)) < tolerance, "rows n \(n)") }
            }
        }
    }

    @Test("flat f16: top-k equals brute force on the f16-rounded vectors, single and batched queries, 1 and 2 threads")
    func flatEqualsBruteForceOnRoundedVectors() throws {
        let dimension = 96, count = 3000, k = 10
        let vectors = VectorTestData.uniform(count: count, dimension: dimension, seed: 31)
        let rounded = VectorTestData.roundedToHalf(vectors)
        let ids = VectorTestData.ids(count)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                                 at: directory.appendingPathComponent("flat"), vectorType: .f16)
        #expect(index.vectorType == .f16 && index.manifest.vectorType == .f16)
        #expect(index.manifest.vectorBytes == count * dimension * 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("flat/vectors.f16").path))
        #expect(index.vector(at: 7) == Array(rounded[(7 * dimension)..<(8 * dimension)]))
        let queries = VectorTestData.uniform(count: 300, dimension: dimension, seed: 32)
        // One query at a time goes through the f16·f32 kernel; 300 at once (two chunks of queries)
        // through widened tiles and sgemm.
        let checked = Array(0..<12) + Array(250..<270)
        let single = try checked.map { q in
            try index.search(Array(queries[(q * dimension)..<((q + 1) * dimension)]), k: k, blockSize: 700, threads: 1)[0]
        }
        let batched = try index.search(queries, k: k, blockSize: 700, threads: 2)
        for (i, q) in checked.enumerated() {
            let reference = VectorTestData.bruteForce(rounded, dimension: dimension,
                                                      query: queries[(q * dimension)..<((q + 1) * dimension)], k: k + 1)
            VectorTestData.expectMatches(single[i], reference, ids: ids, "single query \(q)")
            VectorTestData.expectMatches(batched[q], reference, ids: ids, "batched query \(q)")
        }
    }

    @Test("f16 beside f32 on random data: recall@10 ≥ 0.99 (flat); HNSW f16 within 0.01 of HNSW f32")
    func recallAgainstFloat32() throws {
        let dimension = 128, count = 4000
        let vectors = VectorTestData.uniform(count: count, dimension: dimension, seed: 41)
        let ids = VectorTestData.ids(count)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let f32 = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                               at: directory.appendingPathComponent("f32"))
        let f16 = try VectorTestData.flatIndex(ids: ids, vectors: vectors, dimension: dimension,
                                               at: directory.appendingPathComponent("f16"), vectorType: .f16)
        let queries = VectorTestData.uniform(count: 200, dimension: dimension, seed: 42)
        let truth = try f32.search(queries, k: 10)
        let flatRecall = VectorTestData.recall(try f16.search(queries, k: 10), truth: truth)
        #expect(flatRecall >= 0.99, "flat f16 recall@10 \(flatRecall)")
        // HNSW over f16 and over f32 (uniform 128-dim data is hard for a graph): f16 loses next to nothing.
        let parameters = HNSWParameters(m: 16, efConstruction: 100)
        let graph16 = try HNSWIndex.build(from: f16, parameters: parameters, threads: 2)
        let graph32 = try HNSWIndex.build(from: f32, parameters: parameters, threads: 2)
        #expect(graph16.vectorType == .f16 && graph32.vectorType == .f32)
        let recall16 = VectorTestData.recall(try graph16.search(queries, k: 10, efSearch: 256), truth: truth)
        let recall32 = VectorTestData.recall(try graph32.search(queries, k: 10, efSearch: 256), truth: truth)
        #expect(recall16 >= 0.95 && recall16 >= recall32 - 0.01, "HNSW recall@10: f16 \(recall16), f32 \(recall32)")
    }

    @Test("HNSW f16: built from vectors, written (vectors.f16), opened mapped, searched the same; add, delete, rebuild")
    func hnswRoundTrip() throws {
        let dimension = 32, count = 1500
        let vectors = VectorTestData.clustered(count: count, dimension: dimension, centres: 10, noise: 1.0, seed: 51)
        let index = try HNSWIndex.build(ids: VectorTestData.ids(count), vectors: vectors, dimension: dimension,
                                        parameters: HNSWParameters(m: 12, efConstruction: 80), vectorType: .f16, threads: 2)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = directory.appendingPathComponent("hnsw")
        let manifest = try index.write(to: location)
        #expect(manifest.vectorType == .f16 && manifest.files["vectors.f16"]?.bytes == count * dimension * 2)
        #expect(manifest.files["vectors.f32"] == nil)
        let opened = try HNSWIndex(directory: location)
        #expect(opened.vectorType == .f16 && opened.graph.isMapped)
        try opened.verify()
        let queries = VectorTestData.clustered(count: 20, dimension: dimension, centres: 10, noise: 1.0, seed: 52)
        #expect(try opened.search(queries, k: 10) == index.search(queries, k: 10))
        // A stored vector's own search finds it, scored with its rounded values.
        let rounded = VectorTestData.roundedToHalf(vectors)
        let top = try opened.search(Array(vectors[(5 * dimension)..<(6 * dimension)]), k: 1)[0][0]
        let expected = (0..<dimension).reduce(0.0) { $0 + Double(vectors[5 * dimension + $1]) * Double(rounded[5 * dimension + $1]) }
        #expect(top.id == "doc5" && abs(top.score - expected) < 1e-5)
        try opened.delete(ids: ["doc5"])
        try opened.add(ids: ["late"], vectors: Array(vectors[(5 * dimension)..<(6 * dimension)]))
        #expect(try opened.search(Array(vectors[(5 * dimension)..<(6 * dimension)]), k: 1)[0][0].id == "late")
        let rebuilt = try opened.rebuilt()
        #expect(rebuilt.vectorType == .f16 && rebuilt.deletedCount == 0 && rebuilt.count == count)
    }

    @Test("f16 refuses NaN, infinity and values beyond ±65504, naming the document; f32 takes large values")
    func outOfRangeValues() throws {
        let d = 4
        let model = EmbeddingModelIdentity(name: "m", fingerprint: "0", dimension: d)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let builder = try DenseIndexBuilder(destination: directory.appendingPathComponent("h"), model: model, source: nil,
                                            vectorType: .f16)
        #expect(throws: VectorIndexError.outOfHalfRange(id: "big", value: 70000)) {
            try builder.append(ids: ["ok", "big"], vectors: [1, 2, 3, 4, 0, 70000, 0, 0])
        }
        #expect(throws: VectorIndexError.outOfHalfRange(id: "small", value: -65505)) {
            try builder.append(ids: ["small"], vectors: [0, -65505, 0, 0])
        }
        #expect(throws: VectorIndexError.notFinite(id: "nan")) { try builder.append(ids: ["nan"], vectors: [0, .nan, 0, 0]) }
        #expect(throws: VectorIndexError.notFinite(id: "inf")) { try builder.append(ids: ["inf"], vectors: [.infinity, 0, 0, 0]) }
        #expect(builder.count == 0)  // nothing of a refused batch was written
        let message = VectorIndexError.outOfHalfRange(id: "big", value: 70000).description
        #expect(message.contains("\"big\"") && message.contains("65504") && message.contains("f32"))
        // The extremes themselves are stored exactly.
        try builder.append(ids: ["edge"], vectors: [65504, -65504, 0, 1])
        try builder.finish()
        #expect(try FlatDenseIndex(directory: directory.appendingPathComponent("h")).vector(at: 0) == [65504, -65504, 0, 1])

        let graph = try HNSWIndex(dimension: d, vectorType: .f16)
        #expect(throws: VectorIndexError.outOfHalfRange(id: "big", value: 1e6)) { try graph.add(ids: ["big"], vectors: [1e6, 0, 0, 0]) }
        #expect(graph.count == 0)
        let wide = try HNSWIndex(dimension: d)
        try wide.add(ids: ["big"], vectors: [1e6, 0, 0, 0])
        #expect(wide.count == 1)
    }

    @Test("directories written before Float16 (no vectorType in the manifest) open as Float32")
    func oldManifestsOpenAsFloat32() throws {
        let d = 8, n = 50
        let vectors = VectorTestData.uniform(count: n, dimension: d, seed: 61)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let flat = try VectorTestData.flatIndex(ids: VectorTestData.ids(n), vectors: vectors, dimension: d,
                                                at: directory.appendingPathComponent("flat"))
        let graphLocation = directory.appendingPathComponent("hnsw")
        try HNSWIndex.build(from: flat).write(to: graphLocation)
        for url in [flat.directory, graphLocation] {
            let file = url.appendingPathComponent(ManifestFile.name)
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            #expect(object["vectorType"] as? String == "f32")
            object["vectorType"] = nil
            try JSONSerialization.data(withJSONObject: object).write(to: file)
        }
        let oldFlat = try FlatDenseIndex(directory: flat.directory)
        #expect(oldFlat.manifest.vectorType == nil && oldFlat.vectorType == .f32)
        #expect(oldFlat.vector(at: 3) == Array(vectors[(3 * d)..<(4 * d)]))
        let oldGraph = try HNSWIndex(directory: graphLocation)
        #expect(oldGraph.vectorType == .f32)
        try oldGraph.verify()
        #expect(try oldGraph.search(Array(vectors[0..<d]), k: 1)[0][0].id == "doc0")
    }
}
