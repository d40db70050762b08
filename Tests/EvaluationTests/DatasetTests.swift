import Foundation
import Testing
@testable import Evaluation
import TestSupport

@Suite struct DatasetTests {
    @Test func beirCorpusQueriesAndQrels() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(
            """
            {"_id": "d1", "title": "Title", "text": "Body one."}
            {"_id": 42, "title": "", "text": "Body two."}

            {"_id": "d3", "text": "No title \\u00e9\\ud83d\\ude00", "metadata": {"x": [1, 2.5, null, true]}}
            {"_id": 12345678901234567890, "title": null, "text": "Big id"}
            """, to: directory.appendingPathComponent("corpus.jsonl"))
        try write("{\"_id\": \"q1\", \"text\": \"What?\"}\n{\"_id\": 7, \"text\": \"Why?\"}\n", to: directory.appendingPathComponent("queries.jsonl"))
        try write("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\t42\t2\n7\td3\t0\n", to: directory.appendingPathComponent("qrels/test.tsv"))

        let dataset = BEIRDataset(directory: directory)
        let documents = try dataset.corpus().collect()
        #expect(documents == [
            Document(id: "d1", text: "Title Body one."),
            Document(id: "42", text: "Body two."),
            Document(id: "d3", text: "No title é😀"),
            Document(id: "12345678901234567890", text: "Big id"),
        ])
        #expect(try dataset.queries().collect() == [Query(id: "q1", text: "What?"), Query(id: "7", text: "Why?")])
        #expect(try dataset.qrels(split: "test") == ["q1": ["d1": 1, "42": 2], "7": ["d3": 0]])

        var streamed: [String] = []
        try dataset.corpus().forEachRecord { streamed.append($0.id) }
        #expect(streamed == ["d1", "42", "d3", "12345678901234567890"])
    }

    /// Each bad input gives one error naming the file, the line and the field.
    @Test(arguments: [
        ("{\"_id\": \"a\", \"text\": \"x\"}\n{\"title\": \"t\", \"text\": \"y\"}\n", EvaluationError.missingField(path: "", line: 2, field: "_id")),
        ("{\"_id\": \"a\", \"text\": \"x\"}\n\n{\"_id\": \"b\", \"text\": \"y\"\n", EvaluationError.invalidJSON(path: "", line: 3, reason: "")),
        ("{\"_id\": \"a\", \"text\": 5}\n", EvaluationError.invalidField(path: "", line: 1, field: "text", expected: "a string", found: "a number")),
        ("{\"_id\": [1], \"text\": \"x\"}\n", EvaluationError.invalidField(path: "", line: 1, field: "_id", expected: "a string or a number", found: "an array")),
        ("[1, 2]\n", EvaluationError.invalidJSON(path: "", line: 1, reason: "")),
        ("{\"_id\": \"a\", \"text\": \"x\"} trailing\n", EvaluationError.invalidJSON(path: "", line: 1, reason: "")),
    ])
    func badCorpusLines(text: String, expected: EvaluationError) throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("corpus.jsonl")
        try write(text, to: url)
        let results = Array(try BEIRDataset(directory: directory).corpus())
        guard case .failure(let error)? = results.last else {
            Issue.record("no error for \(text)")
            return
        }
        #expect(results.count == results.filter { if case .success = $0 { true } else { false } }.count + 1)
        switch (error, expected) {
        case (.invalidJSON(let path, let line, let reason), .invalidJSON(_, let expectedLine, _)):
            #expect(path == url.path && line == expectedLine && !reason.isEmpty)
        default:
            #expect(error == Self.withPath(expected, url.path))
        }
        #expect(error.description.hasPrefix("\(url.path):"))
        #expect(throws: EvaluationError.self) { try BEIRDataset(directory: directory).corpus().collect() }
    }

    static func withPath(_ error: EvaluationError, _ path: String) -> EvaluationError {
        switch error {
        case .missingField(_, let line, let field): return .missingField(path: path, line: line, field: field)
        case .invalidField(_, let line, let field, let expected, let found):
            return .invalidField(path: path, line: line, field: field, expected: expected, found: found)
        default: return error
        }
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("queries.jsonl")
        var bytes = Array("{\"_id\": \"q1\", \"text\": \"ok\"}\n{\"_id\": \"q2\", \"text\": \"".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\"}\n".utf8)
        try Data(bytes).write(to: url)
        let error = #expect(throws: EvaluationError.self) { try BEIRDataset(directory: directory).queries().collect() }
        #expect(error == .invalidUTF8(path: url.path, line: 2))
        #expect(error?.description == "\(url.path):2: not valid UTF-8")
    }

    @Test func missingFiles() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataset = BEIRDataset(directory: directory)
        #expect(throws: EvaluationError.cannotOpen(path: dataset.corpusURL.path)) { try dataset.corpus() }
        #expect(throws: EvaluationError.cannotOpen(path: dataset.qrelsURL(split: "dev").path)) { try dataset.qrels(split: "dev") }
        let error = #expect(throws: EvaluationError.self) { try dataset.queries() }
        #expect(error?.description.contains("queries.jsonl") == true)
    }

    @Test func missingFieldDescription() {
        let error = EvaluationError.missingField(path: "/data/corpus.jsonl", line: 7, field: "_id")
        #expect(error.description == "/data/corpus.jsonl:7: missing field \"_id\"")
    }

    /// SciFact's corpus streams through one record at a time.
    @Test func scifactCorpusStreams() throws {
        let dataset = BEIRDataset(directory: TestPaths.scifact)
        var count = 0
        var first: Document?
        try dataset.corpus().forEachRecord { document in
            if first == nil { first = document }
            count += 1
        }
        #expect(count == 5183)
        #expect(first?.id == "4983")
        #expect(first?.text.hasPrefix("Microstructural development of human newborn cerebral white matter assessed in vivo by diffusion tensor magnetic resonance imaging. Alterations of the architecture") == true)
        let queries = try dataset.queries().collect()
        #expect(queries.count == 300)
        #expect(queries.first == Query(id: "1", text: "0-dimensional biomaterials show inductive properties."))
    }

    @Test func brightExamplesFromSharedData() throws {
        let dataset = BRIGHTDataset(directory: TestPaths.bright)
        let biology = try dataset.examples(task: "biology").collect()
        #expect(biology.count == 103)
        let first = try #require(biology.first)
        #expect(first.id == "0")
        #expect(first.goldIDs.count == 5)
        #expect(first.goldIDsLong.count == 2)
        #expect(first.excludedIDs.isEmpty)  // ["N/A"]
        #expect(first.goldAnswer != nil)
        #expect(biology.excludedIDs.isEmpty)
        #expect(biology.qrels["0"]?["insects_attracted_to_light/Phototaxis_3.txt"] == 1)

        let aops = try dataset.examples(task: "aops").collect()
        #expect(aops.count == 111)
        #expect(aops.allSatisfy { $0.excludedIDs.contains($0.id) })  // a query's own id is excluded
        #expect(try dataset.examples(task: "theoremqa_theorems").collect().allSatisfy { $0.excludedIDs.isEmpty })
    }

    @Test func brightDocumentsAndBadExamples() throws {
        let directory = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataset = BRIGHTDataset(directory: directory)
        try write("{\"id\": \"a.txt\", \"content\": \"Alpha\"}\n{\"id\": \"b.txt\", \"content\": \"Beta\"}\n", to: dataset.documentsURL(task: "pony"))
        #expect(try dataset.documents(task: "pony").collect() == [Document(id: "a.txt", text: "Alpha"), Document(id: "b.txt", text: "Beta")])

        try write(
            """
            {"id": "1", "query": "q", "gold_ids": ["a.txt"], "excluded_ids": ["N/A"]}
            {"id": "2", "query": "q", "gold_ids": ["b.txt"], "excluded_ids": ["a.txt", "N/A"], "reasoning": "r"}
            {"id": "3", "query": "q", "excluded_ids": []}
            """, to: dataset.examplesURL(task: "pony"))
        var iterator = try dataset.examples(task: "pony").makeIterator()
        #expect(try iterator.next()?.get().excludedIDs == [])
        let second = try iterator.next()?.get()
        #expect(second?.excludedIDs == ["a.txt"])
        #expect(second?.reasoning == "r")
        guard case .failure(let error)? = iterator.next() else {
            Issue.record("expected an error on line 3")
            return
        }
        #expect(error == .missingField(path: dataset.examplesURL(task: "pony").path, line: 3, field: "gold_ids"))
        #expect(iterator.next() == nil)
    }
}

/// A corpus or qrels file that cannot be read to its end is an error naming it, not a shorter file.
@Suite struct ReadFailureTests {
    @Test func aCorpusThatIsADirectoryFailsWithItsPath() throws {
        let dataset = try TestPaths.temporaryDirectory()
        try FileManager.default.createDirectory(at: dataset.appendingPathComponent("corpus.jsonl"), withIntermediateDirectories: true)
        let corpus = try BEIRDataset(directory: dataset).corpus()
        #expect(throws: EvaluationError.self) { _ = try corpus.collect() }
        do {
            _ = try corpus.collect()
        } catch {
            #expect("\(error)".hasPrefix(dataset.appendingPathComponent("corpus.jsonl").path + ": read failed after line 0"), "\(error)")
        }
        let qrels = dataset.appendingPathComponent("qrels.tsv")
        try FileManager.default.createDirectory(at: qrels, withIntermediateDirectories: true)
        #expect(throws: EvaluationError.readFailed(path: qrels.path, line: 0, reason: "Is a directory")) {
            _ = try QrelsFile.read(from: qrels, format: .beirTSV)
        }
    }
}
