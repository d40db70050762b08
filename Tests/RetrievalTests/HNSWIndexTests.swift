import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// 5,000 clustered 64-dim unit vectors and 200 queries from the same clusters, with the exact
/// top 10 of each query: built once for the suite. Five broad clusters (noise twice the centres'
/// norm) make a set on which a beam of 16 finds only about 80% of the top 10.
private let clustered: (vectors: [Float], ids: [String], queries: [Float], truth: [[Int]]) = {
    let dimension = 64
    let all = VectorTestData.clustered(count: 5200, dimension: dimension, centres: 5, noise: 2.0, seed: 42)
    let vectors = Array(all[0..<(5000 * dimension)])
    let queries = Array(all[(5000 * dimension)...])
    let truth = (0..<200).map { q in
        VectorTestData.bruteForce(vectors, dimension: dimension, query: queries[(q * dimension)..<((q + 1) * dimension)], k: 10)
            .map(\.position)
    }
    return (vectors, VectorTestData.ids(5000), queries, truth)
}()

private let clusteredIndex: HNSWIndex = {
    try! HNSWIndex.build(ids: clustered.ids, vectors: clustered.vectors, dimension: 64,
                         parameters: HNSWParameters(m: 16, efConstruction: 64, efSearch: 64), threads: 2)
}()

private func recall(_ results: [[ScoredDocument]], truth: [[Int]]) -> Double {
    var found = 0, total = 0
    for (hits, expected) in zip(results, truth) {
        let wanted = Set(expected.map { "doc\($0)" })
        found += hits.filter { wanted.contains($0.id) }.count
        total += expected.count
    }
    return Double(found) / Double(total)
}

@Suite("Dense: HNSW index")
struct HNSWIndexTests {
    @Test("recall@10 ≥ 0.95 against exact search on clustered data (5k × 64)")
    func recallOnClusteredData() throws {
        let index = clusteredIndex
        #expect(index.count == 5000)
        // Built with two threads: no node lost all its incoming links.
        #expect(index.graph.unreachableFromEntry() == 0)
        let results = try index.search(clustered.queries, k: 10, efSearch: 64, threads: 2)
        let r = recall(results, truth: clustered.truth)
        #expect(r >= 0.95, "recall@10 \(r)")
        // A wider beam does at least about as well; a beam of 10 still finds most.
        let wide = recall(try index.search(clustered.queries, k: 10, efSearch: 200), truth: clustered.truth)
        #expect(wide >= r - 0.005)
        #expect(recall(try index.search(clustered.queries, k: 10, efSearch: 10), truth: clustered.truth) > 0.5)
        // Scores are inner products, best first, ties by position.
        for hits in results {
            for (a, b) in zip(hits, hits.dropFirst()) { #expect(a.score >= b.score) }
        }
        let q0 = Array(clustered.queries[0..<64])
        let top = try index.search(q0, k: 1)[0][0]
        let position = Int(top.id.dropFirst(3))!
        let dot = zip(q0, clustered.vectors[(position * 64)..<((position + 1) * 64)]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(top.score - dot) < 1e-5)
    }

    @Test("one thread builds the same graph twice; levels follow the seed")
    func reproducibleBuild() throws {
        let n = 1500, d = 64
        let vectors = Array(clustered.vectors[0..<(n * d)])
        let ids = Array(clustered.ids[0..<n])
        let parameters = HNSWParameters(m: 8, efConstruction: 40, seed: 9)
        let a = try HNSWIndex.build(ids: ids, vectors: vectors, dimension: d, parameters: parameters)
        let b = try HNSWIndex.build(ids: ids, vectors: vectors, dimension: d, parameters: parameters)
        #expect(a.maxLevel == b.maxLevel)
        #expect(Array(UnsafeBufferPointer(start: a.graph.links0.base, count: n * a.graph.stride0))
            == Array(UnsafeBufferPointer(start: b.graph.links0.base, count: n * b.graph.stride0)))
        #expect(Array(UnsafeBufferPointer(start: a.graph.upper.base, count: a.graph.upperUsed))
            == Array(UnsafeBufferPointer(start: b.graph.upper.base, count: b.graph.upperUsed)))
        // Another seed gives other levels.
        var other = parameters
        other.seed = 10
        let c = try HNSWIndex.build(ids: Array(ids[0..<200]), vectors: Array(vectors[0..<(200 * d)]), dimension: d, parameters: other)
        let levelsA = (0..<200).map { a.graph.level($0) }, levelsC = (0..<200).map { c.graph.level($0) }
        #expect(levelsA != levelsC)
        // About 1/m of the nodes reach layer 1.
        let upper = (0..<n).filter { a.graph.level($0) > 0 }.count
        #expect(upper > n / 16 && upper < n / 4)
    }

    @Test("write, open memory-mapped, search the same; the manifest; verify")
    func persistenceRoundTrip() throws {
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = directory.appendingPathComponent("hnsw")
        let index = clusteredIndex
        let manifest = try index.write(to: location)
        #expect(manifest.format == HNSWIndexFormat.name && manifest.formatVersion == HNSWIndexFormat.version)
        #expect(manifest.count == 5000 && manifest.dimension == 64 && manifest.parameters.m == 16)
        // No temporary directories are left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["hnsw"])
        let opened = try HNSWIndex(directory: location)
        #expect(opened.graph.isMapped)
        #expect(opened.count == 5000 && opened.maxLevel == index.maxLevel && opened.efSearch == 64)
        try opened.verify()
        let queries = Array(clustered.queries[0..<(20 * 64)])
        #expect(try opened.search(queries, k: 10) == index.search(queries, k: 10))
        #expect(opened.documentID(at: 17) == "doc17")
        // Writing an opened index again gives the same files.
        let again = directory.appendingPathComponent("hnsw2")
        let manifest2 = try opened.write(to: again)
        #expect(manifest2.files == manifest.files)
    }

    @Test("delete: tombstones leave results, stay across write/open, go on rebuild; add after build")
    func deleteAndAdd() throws {
        let n = 1000, d = 64
        let vectors = Array(clustered.vectors[0..<(n * d)])
        let ids = Array(clustered.ids[0..<n])
        let index = try HNSWIndex.build(ids: ids, vectors: vectors, dimension: d,
                                        parameters: HNSWParameters(m: 12, efConstruction: 60, efSearch: 50))
        let query = Array(vectors[(3 * d)..<(4 * d)])
        #expect(try index.search(query, k: 1)[0][0].id == "doc3")
        #expect(try index.delete(ids: ["doc3", "doc4"]) == 2)
        #expect(try index.delete(ids: ["doc3"]) == 0)  // already deleted
        #expect(index.count == n - 2 && index.deletedCount == 2 && index.nodeCount == n)
        #expect(!index.contains("doc3") && index.contains("doc5"))
        let after = try index.search(query, k: 20)[0]
        #expect(!after.contains { $0.id == "doc3" || $0.id == "doc4" })
        #expect(after.count == 20)
        // Deleting everything leaves nothing to return, without a crash.
        let tiny = try HNSWIndex.build(ids: ["a", "b"], vectors: Array(vectors[0..<(2 * d)]), dimension: d)
        try tiny.delete(ids: ["a", "b"])
        #expect(try tiny.search(query, k: 5)[0].isEmpty)

        // Add after build: new documents are found, and a deleted id may come back.
        let extra = VectorTestData.clustered(count: 50, dimension: d, centres: 50, noise: 0.8, seed: 99)
        try index.add(ids: VectorTestData.ids(50, prefix: "new"), vectors: extra, threads: 2)
        try index.add(ids: ["doc3"], vectors: Array(extra[0..<d]))
        #expect(index.count == n - 2 + 51)
        for i in [0, 17, 49] {
            let hits = try index.search(Array(extra[(i * d)..<((i + 1) * d)]), k: 2)[0]
            #expect(hits.map(\.id).contains("new\(i)"))
        }
        let back = try index.search(Array(extra[0..<d]), k: 2)[0]
        #expect(Set(back.map(\.id)) == ["new0", "doc3"])

        // Tombstones survive a round trip; adding to an opened (mapped) index copies it first.
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        try index.write(to: directory.appendingPathComponent("hnsw"))
        let opened = try HNSWIndex(directory: directory.appendingPathComponent("hnsw"))
        #expect(opened.deletedCount == 2 && opened.count == index.count)  // doc3, doc4 (doc3 lives again as a new node)
        #expect(!(try opened.search(query, k: 20)[0].contains { $0.id == "doc4" }))
        try opened.delete(ids: ["doc5"])
        try opened.add(ids: ["late"], vectors: Array(vectors[(5 * d)..<(6 * d)]))
        #expect(try opened.search(Array(vectors[(5 * d)..<(6 * d)]), k: 1)[0][0].id == "late")
        #expect(!opened.graph.isMapped)

        // Rebuild drops the tombstones and keeps the rest in order.
        let rebuilt = try opened.rebuilt(threads: 2)
        #expect(rebuilt.nodeCount == opened.count && rebuilt.deletedCount == 0)
        #expect(rebuilt.documentID(at: 0) == "doc0" && rebuilt.documentID(at: 3) == "doc6")
        #expect(try rebuilt.search(query, k: 1)[0][0].id != "doc4")
    }

    @Test("half the documents deleted, the graph rebuilt: recall@10 ≥ 0.95 against brute force over the live vectors")
    func recallAfterDeletingHalf() throws {
        let d = 64
        let index = try HNSWIndex.build(ids: clustered.ids, vectors: clustered.vectors, dimension: d,
                                        parameters: HNSWParameters(m: 16, efConstruction: 64, efSearch: 64), threads: 2)
        try index.delete(ids: stride(from: 0, to: 5000, by: 2).map { "doc\($0)" })
        let rebuilt = try index.rebuilt(threads: 2)
        #expect(rebuilt.count == 2500 && rebuilt.deletedCount == 0 && rebuilt.graph.unreachableFromEntry() == 0)
        // The live documents are the odd positions: live row r is doc(2r + 1).
        var live: [Float] = []
        for r in 0..<2500 { live += clustered.vectors[((2 * r + 1) * d)..<((2 * r + 2) * d)] }
        let truth = (0..<200).map { q in
            VectorTestData.bruteForce(live, dimension: d, query: clustered.queries[(q * d)..<((q + 1) * d)], k: 10)
                .map { 2 * $0.position + 1 }
        }
        let r = recall(try rebuilt.search(clustered.queries, k: 10, threads: 2), truth: truth)
        #expect(r >= 0.95, "recall@10 after deleting half and rebuilding: \(r)")
    }

    @Test("built from a flat index's vectors: its model and order; equal to exact search at a wide beam")
    func buildFromFlatIndex() throws {
        let n = 800, d = 64
        let vectors = Array(clustered.vectors[0..<(n * d)])
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let flat = try VectorTestData.flatIndex(ids: VectorTestData.ids(n), vectors: vectors, dimension: d,
                                                at: directory.appendingPathComponent("flat"))
        let index = try HNSWIndex.build(from: flat, parameters: HNSWParameters(m: 16, efConstruction: 100), threads: 1)
        #expect(index.model == flat.manifest.model && index.count == n)
        #expect(index.documentID(at: 123) == "doc123")
        let queries = Array(clustered.queries[0..<(10 * d)])
        let exact = try flat.search(queries, k: 5)
        let approximate = try index.search(queries, k: 5, efSearch: n)
        for (a, b) in zip(exact, approximate) {
            #expect(a.map(\.id) == b.map(\.id))
            for (x, y) in zip(a, b) { #expect(abs(x.score - y.score) < 1e-5) }
        }
        // Written and opened with the model: accepted; with another model: refused.
        let location = directory.appendingPathComponent("hnsw")
        try index.write(to: location)
        _ = try HNSWIndex(directory: location, model: flat.manifest.model)
        let other = EmbeddingModelIdentity(name: "other", fingerprint: "ffff", dimension: d)
        #expect(throws: VectorIndexError.self) { try HNSWIndex(directory: location, model: other) }
    }

    @Test("L2 distance: the nearest by Euclidean distance, scores minus the squared distance")
    func l2Metric() throws {
        let n = 1000, d = 16
        var random = SeededRandom(seed: 5)
        let vectors = (0..<(n * d)).map { _ in Float(random.gaussian() * 3) }
        let index = try HNSWIndex.build(ids: VectorTestData.ids(n), vectors: vectors, dimension: d,
                                        parameters: HNSWParameters(m: 12, efConstruction: 80, metric: .l2))
        var found = 0
        for _ in 0..<30 {
            let query = (0..<d).map { _ in Float(random.gaussian() * 3) }
            let truth = VectorTestData.bruteForce(vectors, dimension: d, query: query[...], k: 10, metric: .l2)
            let hits = try index.search(query, k: 10, efSearch: 100)[0]
            found += hits.filter { hit in truth.contains { "doc\($0.position)" == hit.id } }.count
            #expect(abs(hits[0].score - truth[0].score) < 1e-3 * max(1, abs(truth[0].score)))
        }
        #expect(Double(found) / 300 >= 0.95)
    }

    @Test("bad input: wrong dimension, NaN, duplicate and unknown ids, bad parameters")
    func badInput() throws {
        let d = 8
        let vectors = VectorTestData.uniform(count: 10, dimension: d, seed: 1)
        let ids = VectorTestData.ids(10)
        #expect(throws: VectorIndexError.wrongDimension(expected: d, found: 7)) {
            try HNSWIndex.build(ids: ["a"], vectors: [Float](repeating: 0.1, count: 7), dimension: d)
        }
        var withNaN = vectors
        withNaN[3 * d + 2] = .nan
        #expect(throws: VectorIndexError.notFinite(id: "doc3")) {
            try HNSWIndex.build(ids: ids, vectors: withNaN, dimension: d)
        }
        #expect(throws: VectorIndexError.duplicateDocumentID("doc1")) {
            try HNSWIndex.build(ids: ids.map { $0 == "doc2" ? "doc1" : $0 }, vectors: vectors, dimension: d)
        }
        let index = try HNSWIndex.build(ids: ids, vectors: vectors, dimension: d)
        #expect(throws: VectorIndexError.duplicateDocumentID("doc4")) {
            try index.add(ids: ["doc4"], vectors: Array(vectors[0..<d]))
        }
        #expect(index.count == 10)  // nothing was added
        #expect(throws: VectorIndexError.unknownDocumentID("nope")) { try index.delete(ids: ["doc1", "nope"]) }
        #expect(index.deletedCount == 0)  // nothing was deleted
        #expect(throws: VectorIndexError.wrongDimension(expected: d, found: 5)) { try index.search([1, 2, 3, 4, 5], k: 1) }
        #expect(throws: VectorIndexError.notFinite(id: "<query>")) {
            try index.search([Float](repeating: .infinity, count: d), k: 1)
        }
        #expect(throws: VectorIndexError.self) { try index.search(Array(vectors[0..<d]), k: 1, efSearch: 0) }
        #expect(throws: VectorIndexError.self) { try HNSWIndex(dimension: d, parameters: HNSWParameters(m: 1)) }
        #expect(throws: VectorIndexError.self) { try HNSWIndex(dimension: 0) }
        #expect(try index.search([], k: 3).isEmpty)
        #expect(try index.search(Array(vectors[0..<d]), k: 0)[0].isEmpty)
        let empty = try HNSWIndex(dimension: d)
        #expect(try empty.search(Array(vectors[0..<d]), k: 3)[0].isEmpty)
    }

    @Test("damaged, foreign and other-version directories give clear errors")
    func damagedIndexes() throws {
        let directory = (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let n = 300, d = 64
        let index = try HNSWIndex.build(ids: Array(clustered.ids[0..<n]), vectors: Array(clustered.vectors[0..<(n * d)]),
                                        dimension: d, parameters: HNSWParameters(m: 8, efConstruction: 40))
        let good = directory.appendingPathComponent("good")
        try index.write(to: good)
        let fm = FileManager.default

        func copy(_ name: String, _ damage: (URL) throws -> Void) throws -> URL {
            let url = directory.appendingPathComponent(name)
            try fm.copyItem(at: good, to: url)
            try damage(url)
            return url
        }
        func open(_ url: URL) -> VectorIndexError? {
            do {
                _ = try HNSWIndex(directory: url)
                return nil
            } catch let error as VectorIndexError {
                return error
            } catch {
                return nil
            }
        }
        func isCorrupt(_ error: VectorIndexError?) -> Bool {
            if case .corrupt = error { return true }
            return false
        }
        func editManifest(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
            let file = url.appendingPathComponent(HNSWIndexFormat.manifestFile)
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            edit(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: file)
        }
        func patch(_ url: URL, _ name: String, at offset: Int, _ bytes: [UInt8]) throws {
            let file = url.appendingPathComponent(name)
            var data = try Data(contentsOf: file)
            data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            try data.write(to: file)
        }

        // Nothing there, an empty directory, a flat index (a foreign format).
        #expect(open(directory.appendingPathComponent("missing")) == .notAnIndex(path: directory.appendingPathComponent("missing").path, format: HNSWIndexFormat.name))
        let empty = directory.appendingPathComponent("empty")
        try fm.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(open(empty) == .notAnIndex(path: empty.path, format: HNSWIndexFormat.name))
        let flat = try VectorTestData.flatIndex(ids: ["a"], vectors: [Float](repeating: 0.125, count: d), dimension: d,
                                                at: directory.appendingPathComponent("flat"))
        #expect(open(flat.directory) == .notAnIndex(path: flat.directory.path, format: HNSWIndexFormat.name))
        // And the flat index refuses an HNSW directory.
        #expect(throws: VectorIndexError.notAnIndex(path: good.path, format: DenseIndexFormat.name)) { try FlatDenseIndex(directory: good) }

        let newer = try copy("newer") { url in try editManifest(url) { $0["formatVersion"] = 2 } }
        #expect(open(newer) == .otherFormatVersion(path: newer.path, found: 2, expected: 1))
        let garbled = try copy("garbled") { url in
            try Data("{\"format\": \"reasonir.dense-hnsw\", \"formatVersion\": 1, \"count\": \"x\"}".utf8)
                .write(to: url.appendingPathComponent(HNSWIndexFormat.manifestFile))
        }
        #expect(isCorrupt(open(garbled)))
        let truncated = try copy("truncated") { url in
            let file = url.appendingPathComponent(HNSWIndexFormat.links0File)
            let data = try Data(contentsOf: file)
            try data.prefix(data.count - 4).write(to: file)
        }
        #expect(isCorrupt(open(truncated)))
        let missing = try copy("missing-file") { url in try fm.removeItem(at: url.appendingPathComponent(HNSWIndexFormat.vectorsFile)) }
        #expect(isCorrupt(open(missing)))
        // A link out of range (same size, so only the contents check catches it).
        let badLink = try copy("bad-link") { url in
            try patch(url, HNSWIndexFormat.links0File, at: 4, [0xff, 0xff, 0x00, 0x00])
        }
        #expect(isCorrupt(open(badLink)))
        // A list longer than its block.
        let badCount = try copy("bad-count") { url in try patch(url, HNSWIndexFormat.links0File, at: 0, [200, 0, 0, 0]) }
        #expect(isCorrupt(open(badCount)))
        // A level whose blocks lie outside the upper file.
        let badLevel = try copy("bad-level") { url in try patch(url, HNSWIndexFormat.nodesFile, at: 0, [5, 0, 0, 0]) }
        #expect(isCorrupt(open(badLevel)))
        let badEntry = try copy("bad-entry") { url in try editManifest(url) { $0["entryPoint"] = n + 5 } }
        #expect(isCorrupt(open(badEntry)))
        let badIDs = try copy("bad-ids") { url in try patch(url, HNSWIndexFormat.idsFile, at: 8, [0xff, 0xff, 0xff, 0x7f]) }
        #expect(isCorrupt(open(badIDs)))
        let badFlag = try copy("bad-flag") { url in try patch(url, HNSWIndexFormat.deletedFile, at: 7, [9]) }
        #expect(isCorrupt(open(badFlag)))
        // A flipped bit in the vectors opens (sizes and links are fine) but fails verification.
        let flipped = try copy("flipped") { url in try patch(url, HNSWIndexFormat.vectorsFile, at: 100, [0x42]) }
        let opened = try HNSWIndex(directory: flipped)
        #expect(throws: VectorIndexError.self) { try opened.verify() }
    }
}
