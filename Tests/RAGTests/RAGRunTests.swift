import Foundation
import LLM
import Testing
import TestSupport
@testable import RAG

/// The run loop against the scriptable fake OpenAI server (a test double for faults only: a server
/// that fails midway, a reader that returns nothing), and bad question files.
@Suite struct RAGRunTests {
    static let questions = [
        RAGQuestion(id: "q1", text: "2 + 3?", gold: .theoremQA(.int(5), .integer)),
        RAGQuestion(id: "q2", text: "Is 7 prime?", gold: .theoremQA(.bool(true), .bool)),
        RAGQuestion(id: "q3", text: "Half of 9?", gold: .theoremQA(.float(4.5), .float)),
    ]
    static let oracle = ["q1": [RAGDocument(id: "d1", text: "Addition.")], "q2": [RAGDocument(id: "d2", text: "Primes.")],
                         "q3": [RAGDocument(id: "d3", text: "Division.")]]

    static func client(_ server: FakeOpenAIServer) throws -> OpenAICompatibleClient {
        OpenAICompatibleClient(configuration: try LLMClientConfiguration(
            baseURL: server.baseURL, model: "fake", connectTimeout: .seconds(2), requestTimeout: .seconds(10),
            retry: RetryPolicy(maxAttempts: 1, initialDelay: .milliseconds(1), jitter: false), maxConcurrentRequests: 1, cacheDirectory: nil))
    }

    static func reply(_ request: RecordedRequest) -> FakeReply {
        let text = String(decoding: request.body, as: UTF8.self)
        if text.contains("prime") { return .chat("Seven has no divisors.\nTherefore, the answer is True.") }
        if text.contains("Half") { return .chat("") }  // a reader that returns nothing
        return .chat("We add.\nTherefore, the answer is 5.")
    }

    @Test func serverFailingMidwayResumesWithoutAskingTwice() async throws {
        let directory = try TestPaths.temporaryDirectory()
        let journal = directory.appendingPathComponent("predictions.jsonl")
        let run = RAGRun(questions: Self.questions, conditions: [.closed, .oracle], k: 1, retriever: nil, oracle: Self.oracle,
                         options: ChatOptions(temperature: 0, maxTokens: 32))
        let failing = try await FakeOpenAIServer.start { request, index in index >= 4 ? .status(500, "down") : Self.reply(request) }
        let first = try Self.client(failing)
        await #expect(throws: (any Error).self) { _ = try await run.run(model: first, journal: journal) }
        try await first.shutdown(); try await failing.stop()
        let journaled = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        #expect(journaled.count == 4)

        let healthy = try await FakeOpenAIServer.start { request, _ in Self.reply(request) }
        let second = try Self.client(healthy)
        let predictions = try await run.run(model: second, journal: journal)
        #expect(healthy.requestCount == 2)  // only the two answers not journaled
        try await second.shutdown(); try await healthy.stop()
        #expect(predictions.count == 6)
        let closed = predictions.filter { $0.condition == "closed" }
        #expect(closed.map(\.correct) == [true, true, false])
        #expect(closed[2].extracted == nil && closed[2].output.isEmpty)
        #expect(predictions.first { $0.condition == "oracle:k1" && $0.id == "q1" }?.retrieved == ["d1"])

        let summary = RAGSummary.make(predictions: predictions, run: run, skipped: 1, wallSeconds: 1)
        let object = try JSONSerialization.jsonObject(with: Data(try summary.json().utf8)) as! [String: Any]
        let conditions = object["conditions"] as! [String: [String: Any]]
        #expect(conditions["closed"]?["n"] as? Int == 3)
        #expect(abs((conditions["closed"]?["accuracy"] as? Double ?? 0) - 2.0 / 3.0) < 1e-12)
        #expect((object["difference"] as! [String: Any])["oracle-closed"] != nil)
        #expect(object["skipped_without_answer"] as? Int == 1)

        // A torn last line (a kill mid-write) is dropped and answered again.
        var bytes = try Data(contentsOf: journal)
        bytes.append(contentsOf: Array("{\"id\": \"q9\", \"cond".utf8))
        try bytes.write(to: journal)
        #expect(try RAGRun.readJournal(journal).count == 6)
        #expect(try Data(contentsOf: journal).last == UInt8(ascii: "\n"))
    }

    @Test func openWithoutDocumentsIsRefusedBeforeGenerating() throws {
        let run = RAGRun(questions: Self.questions, conditions: [.closed, .open], k: 3, retriever: nil, oracle: [:], options: ChatOptions())
        #expect(throws: RAGRunError.self) { try run.validate() }
        let oracleRun = RAGRun(questions: Self.questions, conditions: [.oracle], k: 3, retriever: nil, oracle: ["q1": []], options: ChatOptions())
        #expect { try oracleRun.validate() } throws: { "\($0)".contains("q1") }
    }

    @Test func badQuestionFiles() throws {
        let directory = try TestPaths.temporaryDirectory()
        func load(_ text: String) throws -> RAGQuestionSet {
            let url = directory.appendingPathComponent("q-\(UUID().uuidString).jsonl")
            try Data(text.utf8).write(to: url)
            return try RAGQuestionSet.load(url)
        }
        let skipped = try load("""
            {"_id": "a", "text": "x?", "metadata": {"answer": 3, "answer_type": "integer"}}
            {"_id": "b", "text": "y?", "metadata": {"answer": null, "answer_type": "integer"}}
            {"_id": "m", "question": "Which?", "choices": ["w", "x", "y", "z"], "answer": "C"}
            """)
        #expect(skipped.questions.map(\.id) == ["a", "m"])
        #expect(skipped.skippedWithoutAnswer == ["b"])
        #expect { _ = try load("{\"_id\": \"a\", \"text\": \"x\", \"metadata\": {\"answer\": 3, \"answer_type\": \"complex\"}}\n") } throws: {
            "\($0)".contains(":1: metadata.answer_type: unknown answer type \"complex\"")
        }
        #expect { _ = try load("\n{\"_id\": \"m\", \"question\": \"Q\", \"choices\": [\"a\", \"b\"], \"answer\": \"D\"}\n") } throws: {
            "\($0)".contains(":2: answer:")
        }
        #expect { _ = try load("{not json\n") } throws: { "\($0)".contains(":1:") }
    }
}
