import Foundation
import Testing
import TestSupport

/// `reasonir rag` from outside: the scorer alone on the shared TheoremQA dev split, the fake
/// server as a reader, and refusals of bad input.
@Suite struct RagCommandTests {
    @Test func scoreGivesAccuracyAndTheRightIDs() throws {
        let queries = try String(contentsOf: TestPaths.theoremQA.appendingPathComponent("queries.jsonl"), encoding: .utf8)
        var lines: [String] = [], expected: [String] = []
        for (i, line) in queries.split(separator: "\n").prefix(6).enumerated() {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let id = row["_id"] as! String
            let answer = (row["metadata"] as! [String: Any])["answer"]!
            let text = i % 2 == 0 ? "\(answer)" : "no idea"
            if i % 2 == 0 { expected.append(id) }
            let object = try JSONSerialization.data(withJSONObject: ["id": id, "prediction": text])
            lines.append(String(decoding: object, as: UTF8.self))
        }
        let directory = try TestPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("preds.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try TestPaths.runCLI(["rag", "score", "--predictions", file.path, "--dataset", TestPaths.theoremQA.path, "--split", "dev", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(object["n"] as? Int == 6)
        #expect(object["accuracy"] as? Double == 0.5)
        #expect(object["correct"] as? [String] == expected)
    }

    @Test func openWithoutDocumentsAndUnknownIDsAreRefused() async throws {
        let directory = try TestPaths.temporaryDirectory()
        let questions = directory.appendingPathComponent("mc.jsonl")
        try #"{"_id": "m1", "question": "2+2?", "choices": ["3", "4", "5", "6"], "answer": "B"}"#.write(to: questions, atomically: true, encoding: .utf8)
        let server = try await FakeOpenAIServer.start { _, _ in .chat("Four.\nThe answer is (B).") }
        let open = try TestPaths.runCLI(["rag", questions.path, "--condition", "open", "--llm-url", server.baseURL, "--no-llm-cache"])
        #expect(open.status != 0)
        #expect(open.stderr.contains("need documents"))
        #expect(server.requestCount == 0)

        let closed = try TestPaths.runCLI(["rag", questions.path, "--condition", "closed", "--llm-url", server.baseURL, "--no-llm-cache",
                                           "--llm-model", "fake", "--out", directory.appendingPathComponent("run").path, "--json"])
        #expect(closed.status == 0, "\(closed.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(closed.stdout.utf8)) as! [String: Any]
        let conditions = summary["conditions"] as! [String: [String: Any]]
        #expect(conditions["closed"]?["accuracy"] as? Double == 1)
        #expect(conditions["closed"]?["n"] as? Int == 1)
        // Run again: everything is journaled, nothing is asked twice.
        let again = try TestPaths.runCLI(["rag", questions.path, "--condition", "closed", "--llm-url", server.baseURL, "--no-llm-cache",
                                          "--llm-model", "fake", "--out", directory.appendingPathComponent("run").path, "--json",
                                          "--report", directory.appendingPathComponent("rag.html").path])
        #expect(again.status == 0)
        #expect(server.requestCount == 1)
        // --report draws the accuracy by condition: one bar for the one condition.
        let page = try String(contentsOf: directory.appendingPathComponent("rag.html"), encoding: .utf8)
        #expect(page.components(separatedBy: "class=\"rag-bar\"").count - 1 == 1)
        try await server.stop()
    }
}
