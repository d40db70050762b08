import Foundation
import Testing
@testable import Evaluation
import TestSupport

@Suite struct TRECTests {
    @Test func documentIDsWithSpaces() throws {
        let run = try Run.read(from: TestPaths.bright.appendingPathComponent("runs/reasonir-8b-gpt4-reasoning-top100/stackoverflow.trec"))
        #expect(run.count == 117)
        let ids = run.queryIDs.flatMap { run[$0]!.map(\.id) }
        #expect(ids.contains("pytorch_torch_tensor_functions/Memory Management_2_0.txt"))
        #expect(ids.count == 11700)
    }

    @Test func readParsesFieldsAndKeepsOrder() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run.trec")
        try write(
            """
            q2 Q0 doc a 1 0.5 tag
            q2\tQ0\tdoc b\t2\t0.25\ttag

            q1 Q0 x 1 1e-3 tag\r
            q2 Q0 doc a 3 0.75 tag
            q1 Q0 y 2 -2 tag
            """, to: url)
        let run = try Run.read(from: url)
        #expect(run.queryIDs == ["q2", "q1"])
        // "doc a" appears twice: first position, last score.
        #expect(run["q2"] == [ScoredDocument(id: "doc a", score: 0.75), ScoredDocument(id: "doc b", score: 0.25)])
        #expect(run["q1"] == [ScoredDocument(id: "x", score: 0.001), ScoredDocument(id: "y", score: -2)])
    }

    @Test(arguments: [
        ("q1 Q0 d1 1 0.5\n", "expected 6 fields (qid Q0 docid rank score tag), found 5"),
        ("q1 Q0 d1 1 0.5 t\nq1 Q0 d2 one 0.5 t\n", "field \"rank\": expected an integer, found \"one\""),
        ("q1 Q0 d1 1 high t\n", "field \"score\": expected a number, found \"high\""),
        ("q1 Q0 d1 1 nan t\n", "field \"score\": expected a number, found \"nan\""),
    ])
    func malformedRunLines(text: String, message: String) throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.trec")
        try write(text, to: url)
        let error = #expect(throws: EvaluationError.self) { try Run.read(from: url) }
        let line = text.split(separator: "\n").count
        #expect(error?.description == "\(url.path):\(line): \(message)")
    }

    @Test func writeThenReadRoundTrips() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.trec")
        try write("old contents\n", to: url)
        let run = Run([
            (queryID: "q1", documents: [ScoredDocument(id: "a b/c.txt", score: 0.45895862579345703), ScoredDocument(id: "z", score: 1e-05)]),
            (queryID: "q0", documents: [ScoredDocument(id: "é", score: 3.0)]),
        ])
        try run.write(to: url, tag: "mine")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "q1 Q0 a b/c.txt 1 0.45895862579345703 mine\nq1 Q0 z 2 1e-05 mine\nq0 Q0 é 1 3.0 mine\n")
        #expect(try Run.read(from: url) == run)
        // Only the destination is left: the temporary file was renamed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.trec"])
    }

    @Test func writeRejectsWhatCannotReadBack() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.trec")
        for run in [
            Run([(queryID: "q 1", documents: [ScoredDocument(id: "a", score: 1)])]),
            Run([(queryID: "q1", documents: [ScoredDocument(id: "a\tb", score: 1)])]),
            Run([(queryID: "q1", documents: [ScoredDocument(id: " a", score: 1)])]),
            Run([(queryID: "q1", documents: [ScoredDocument(id: "a", score: .nan)])]),
        ] {
            #expect(throws: EvaluationError.self) { try run.write(to: url) }
        }
        #expect(throws: EvaluationError.self) { try Run().write(to: url, tag: "two words") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(throws: EvaluationError.self) { try Run().write(to: directory.appendingPathComponent("missing/out.trec")) }
    }

    @Test func qrelsFormats() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let trec = directory.appendingPathComponent("qrels.txt")
        try write("q1 0 doc a 1\nq1 0 d2 0\nq2 0 d3 2\n", to: trec)
        #expect(try QrelsFile.detectFormat(of: trec) == .trec)
        #expect(try QrelsFile.read(from: trec) == ["q1": ["doc a": 1, "d2": 0], "q2": ["d3": 2]])

        let tsv = directory.appendingPathComponent("test.tsv")
        try write("query-id\tcorpus-id\tscore\nq1\tdoc a\t1\n", to: tsv)
        #expect(try QrelsFile.detectFormat(of: tsv) == .beirTSV)
        #expect(try QrelsFile.read(from: tsv) == ["q1": ["doc a": 1]])

        let headerless = directory.appendingPathComponent("plain.tsv")
        try write("q1\td1\t1\nq1\td2\t2\n", to: headerless)
        #expect(try QrelsFile.read(from: headerless) == ["q1": ["d1": 1, "d2": 2]])

        let bad = directory.appendingPathComponent("bad.tsv")
        try write("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\tx\n", to: bad)
        let error = #expect(throws: EvaluationError.self) { try QrelsFile.read(from: bad) }
        #expect(error == .invalidField(path: bad.path, line: 3, field: "score", expected: "an integer", found: "\"x\""))

        let short = directory.appendingPathComponent("short.txt")
        try write("q1 0 d1\n", to: short)
        #expect(throws: EvaluationError.self) { try QrelsFile.read(from: short, format: .trec) }

        let scifact = try QrelsFile.read(from: TestPaths.scifact.appendingPathComponent("qrels/test.tsv"))
        #expect(scifact.count == 300)
        #expect(scifact.values.reduce(0) { $0 + $1.count } == 339)
    }

    @Test func pythonWhitespaceSplitting() {
        #expect(whitespaceFields("  a\tb  c\u{1F}d\r") == ["a", "b", "c", "d"])
        #expect(whitespaceFields("a\u{00A0}b\u{3000}c\u{200B}d") == ["a", "b", "c\u{200B}d"])
        #expect(whitespaceFields("") == [])
    }
}
