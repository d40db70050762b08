import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// The flat dense index: exact search against brute force, resumable builds, clear errors.
@Suite struct FlatDenseIndexTests {
    static let model = EmbeddingModelIdentity(name: "random", fingerprint: "0", dimension: 8)

    /// Deterministic pseudo-random unit vectors.
    static func vectors(_ count: Int, dimension: Int = 8, seed: UInt64 = 1) -> [Float] {
        var state = seed
        var values: [Float] = []
        for _ in 0..<count {
            var row = (0..<dimension).map { _ -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            row = row.map { $0 / norm }
            values += row
        }
        return values
    }

    func build(_ count: Int, batch: Int = 7, into directory: URL) throws -> [Float] {
        let values = Self.vectors(count)
        let builder = try DenseIndexBuilder(destination: directory, model: Self.model, source: nil)
        var start = 0
        while start < count {
            let end = min(start + batch, count)
            try builder.append(ids: (start..<end).map { "doc\($0)" }, vectors: Array(values[(start * 8)..<(end * 8)]))
            start = end
        }
        try builder.finish()
        return values
    }

    @Test func exactSearchEqualsBruteForce() throws {
        let directory = (try TestPaths.temporaryDirectory()).appendingPathComponent("flat")
        let values = try build(300, into: directory)
        let index = try FlatDenseIndex(directory: directory, model: Self.model)
        let queries = Self.vectors(5, seed: 99)
        let results = try index.search(queries, k: 10, blockSize: 64)
        for q in 0..<5 {
            let scores = (0..<300).map { d in (0..<8).reduce(Float(0)) { $0 + queries[q * 8 + $1] * values[d * 8 + $1] } }
            let expected = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(10)
            #expect(results[q].map(\.id) == expected.map { "doc\($0)" })
            for (hit, d) in zip(results[q], expected) { #expect(abs(hit.score - Double(scores[d])) < 1e-5) }
        }
        let excluded = try index.search(Array(queries[0..<8]), k: 3, excluding: [[results[0][0].id]])
        #expect(excluded[0].map(\.id) == Array(results[0][1...3].map(\.id)))
    }

    @Test func anInterruptedBuildResumes() throws {
        let directory = (try TestPaths.temporaryDirectory()).appendingPathComponent("flat")
        let values = Self.vectors(20)
        do {
            let builder = try DenseIndexBuilder(destination: directory, model: Self.model, source: nil)
            try builder.append(ids: (0..<10).map { "doc\($0)" }, vectors: Array(values[0..<80]))
            // The process "dies" here: no finish().
        }
        let resumed = try DenseIndexBuilder(destination: directory, model: Self.model, source: nil)
        #expect(resumed.resumeCount == 10)
        try resumed.append(ids: (10..<20).map { "doc\($0)" }, vectors: Array(values[80..<160]))
        try resumed.finish()
        let index = try FlatDenseIndex(directory: directory)
        #expect(index.count == 20)
        #expect(Array(index.vector(at: 15)) == Array(values[120..<128]))
        #expect(index.documentID(at: 19) == "doc19")
        try index.verify()
    }

    @Test func badVectorsAreRefused() throws {
        let builder = try DenseIndexBuilder(destination: (try TestPaths.temporaryDirectory()).appendingPathComponent("x"),
                                            model: Self.model, source: nil)
        #expect(throws: VectorIndexError.wrongDimension(expected: 8, found: 7)) {
            try builder.append(ids: ["a"], vectors: [Float](repeating: 0, count: 7))
        }
        var nan = [Float](repeating: 0, count: 8)
        nan[3] = .nan
        #expect(throws: VectorIndexError.notFinite(id: "a")) { try builder.append(ids: ["a"], vectors: nan) }
        try builder.append(ids: ["b"], vectors: [Float](repeating: 0.1, count: 8))
        #expect(throws: VectorIndexError.duplicateDocumentID("b")) {
            try builder.append(ids: ["b"], vectors: [Float](repeating: 0.1, count: 8))
        }
    }

    @Test func foreignDamagedAndOtherVersionDirectoriesAreNamed() throws {
        let empty = (try TestPaths.temporaryDirectory())
        #expect(throws: VectorIndexError.notAnIndex(path: empty.path, format: DenseIndexFormat.name)) { try FlatDenseIndex(directory: empty) }

        let directory = (try TestPaths.temporaryDirectory()).appendingPathComponent("flat")
        _ = try build(10, into: directory)
        #expect(throws: VectorIndexError.self) {
            try FlatDenseIndex(directory: directory, model: EmbeddingModelIdentity(name: "other", fingerprint: "1", dimension: 8))
        }
        let vectorsURL = directory.appendingPathComponent(DenseIndexFormat.vectorsFile)
        let data = try Data(contentsOf: vectorsURL)
        try data.prefix(data.count - 4).write(to: vectorsURL)
        #expect(throws: VectorIndexError.self) { try FlatDenseIndex(directory: directory) }

        let manifestURL = directory.appendingPathComponent(DenseIndexFormat.manifestFile)
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        manifest["formatVersion"] = 7
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        #expect(throws: VectorIndexError.otherFormatVersion(path: directory.path, found: 7, expected: DenseIndexFormat.version)) {
            try FlatDenseIndex(directory: directory)
        }
    }

    @Test func queriesOfTheWrongDimensionAreRefused() throws {
        let directory = (try TestPaths.temporaryDirectory()).appendingPathComponent("flat")
        _ = try build(10, into: directory)
        let index = try FlatDenseIndex(directory: directory)
        #expect(throws: VectorIndexError.self) { try index.search([Float](repeating: 0.1, count: 7), k: 3) }
        #expect(throws: VectorIndexError.self) { try index.search([Float](repeating: .nan, count: 8), k: 3) }
    }
}
