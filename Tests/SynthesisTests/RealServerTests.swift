import Foundation
import TestSupport
import Testing
@testable import Synthesis

/// The happy path against the real llama.cpp server (SmolLM2-135M-Instruct) that
/// scripts/test.sh starts and names in REASONIR_LLM_URL: `reasonir synthesize` on one TheoremQA
/// seed, the JSON schema sent as response_format, the record journaled and the files written.
@Suite(.enabled(if: RealServer.url != nil, Comment(rawValue: RealServer.missing)))
struct SynthesisRealServerTests {
    @Test func synthesizesOneSeedEndToEnd() throws {
        let directory = try TestPaths.temporaryDirectory()
        let output = directory.appendingPathComponent("out")
        let arguments = [
            "synthesize", "--corpus", TestPaths.theoremQA.path, "--output", output.path, "--limit", "1", "--tasks", "hq",
            "--attempts", "2", "--hq-max-tokens", "160", "--negative-max-tokens", "480", "--llm-url", RealServer.url ?? "",
            "--llm-cache-dir", directory.appendingPathComponent("cache").path, "--llm-timeout", "600", "--json",
        ]
        let run = try TestPaths.runCLI(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let hq = try #require((report["tasks"] as? [String: [String: Int]])?["hq"])
        #expect(hq["records"] == 1)
        #expect((1...4).contains(hq["llmCalls"] ?? 0))
        let llm = try #require(report["llm"] as? [String: Double])
        #expect(llm["requests"] == Double(hq["llmCalls"] ?? 0), "every call reached the server once")
        #expect((llm["completion_tokens"] ?? 0) > 0)

        let journal = try String(contentsOf: output.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        let records = try journal.split(separator: "\n").map { try JSONDecoder().decode(SynthesisRecord.self, from: Data($0.utf8)) }
        let record = try #require(records.count == 1 ? records.first : nil)
        // With the schema as a grammar the model answers in the shape: an answer is either used
        // or rejected for its content, not for being unreadable (unless the token limit cut it).
        #expect(record.invalidAnswers.allSatisfy { $0.reason != .unparseableJSON })
        if record.status == .accepted {
            #expect(record.query.map { TextMeasures.wordCount($0) >= 8 } == true)
            #expect(record.negatives.contains { $0.source == .bm25 })
            let train = try String(contentsOf: output.appendingPathComponent("train.jsonl"), encoding: .utf8)
            #expect(train.split(separator: "\n").count == 1)
        } else {
            #expect(record.rejections.count == 1)
        }

        // A rerun asks the server nothing: the record is in the journal.
        let rerun = try TestPaths.runCLI(arguments)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
        #expect((again["llm"] as? [String: Double])?["requests"] == 0)
    }
}

/// The real server's URL, when scripts/test.sh (or the developer) gives one.
enum RealServer {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()
    static let missing = "REASONIR_LLM_URL is not set: start the llama.cpp server with `scripts/llm-server.sh start` "
        + "and export the URL it prints (scripts/test.sh does both)"
}
