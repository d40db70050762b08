import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// The on-disk index: round trip, and clear errors for foreign, damaged or other-version directories.
@Suite struct BM25IndexFileTests {
    func writeIndex() throws -> URL {
        var builder = BM25IndexBuilder(analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace")
        try builder.add([Document(id: "x 1", text: "alpha beta"), Document(id: "é2", text: "beta gamma gamma")])
        let directory = try (try TestPaths.temporaryDirectory()).appendingPathComponent("idx")
        try builder.write(to: directory)
        return directory
    }

    func open(_ directory: URL) throws -> BM25Index {
        try BM25Index(directory: directory, analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace")
    }

    @Test func roundTrip() throws {
        let index = try open(try writeIndex())
        #expect(index.documentCount == 2)
        #expect(index.termCount == 3)
        #expect(index.documentID(at: 0) == "x 1" && index.documentID(at: 1) == "é2")
        #expect(index.termID(of: "gamma").map { index.term(at: $0) } == "gamma")
        #expect(index.termID(of: "delta") == nil)
        #expect(index.documentFrequency(ofTermID: index.termID(of: "beta")!) == 2)
        #expect(index.search("gamma", k: 1).map(\.id) == ["é2"])
        try index.verify()
    }

    @Test func rewritingReplacesTheOldIndexAndLeavesNoTemporaryFiles() throws {
        let directory = try writeIndex()
        var builder = BM25IndexBuilder(analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace")
        try builder.add([Document(id: "only", text: "delta")])
        try builder.write(to: directory)
        #expect(try open(directory).documentCount == 1)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: directory.deletingLastPathComponent().path)
        #expect(siblings == ["idx"])
    }

    @Test func duplicateIDsAreRejected() throws {
        var builder = BM25IndexBuilder(analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace")
        #expect(throws: BM25IndexError.duplicateDocumentID("a")) {
            try builder.add([Document(id: "a", text: "x"), Document(id: "a", text: "y")])
        }
    }

    @Test func aDirectoryWithoutIndexIsNamed() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        #expect(throws: BM25IndexError.notAnIndex(path: directory.path)) { try open(directory) }
    }

    @Test func anotherFormatVersionIsNamed() throws {
        let directory = try writeIndex()
        let manifestURL = directory.appendingPathComponent(BM25IndexFormat.manifestFile)
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        manifest["formatVersion"] = 99
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        #expect(throws: BM25IndexError.otherFormatVersion(path: directory.path, found: 99, expected: BM25IndexFormat.version)) {
            try open(directory)
        }
    }

    @Test func aTruncatedDataFileIsDamaged() throws {
        let directory = try writeIndex()
        let dataURL = directory.appendingPathComponent(BM25IndexFormat.dataFile)
        let data = try Data(contentsOf: dataURL)
        try data.prefix(data.count / 2).write(to: dataURL)
        #expect(throws: BM25IndexError.self) { try open(directory) }
    }

    @Test func flippedBytesFailVerification() throws {
        let directory = try writeIndex()
        let dataURL = directory.appendingPathComponent(BM25IndexFormat.dataFile)
        var data = try Data(contentsOf: dataURL)
        data[data.count - 9] ^= 0xFF
        try data.write(to: dataURL)
        #expect(throws: BM25IndexError.self) { try open(directory).verify() }
    }

    @Test func anotherAnalyzerIsRefused() throws {
        let directory = try writeIndex()
        #expect(throws: BM25IndexError.self) { try BM25Index(directory: directory) }
    }
}
