import Foundation
import Retrieval
import TestSupport
import Testing
@testable import Synthesis

/// `reasonir synthesize` as a child process against a scripted server on loopback, killed with
/// SIGKILL at random moments and rerun: in the end there is exactly one record per seed and task,
/// and answers given before a kill are not asked for again.
@Suite(.serialized) struct KillResumeTests {
    static let seeds = 40
    static let tasks = 2

    /// Answers of the right shape after a short pause (so kills land mid-run); every seventh seed's
    /// hard query is never valid, so rejected records are resumed too.
    static func server(_ killSwitch: KillSwitch) async throws -> FakeOpenAIServer {
        try await FakeOpenAIServer.start { request, _ in
            if request.path.hasSuffix("/chat/completions") { killSwitch.requestArrived() }
            let body = request.json
            let messages = (body["messages"] as? [[String: Any]] ?? []).map {
                ChatMessageStub(role: $0["role"] as? String ?? "", content: $0["content"] as? String ?? "")
            }
            let system = messages.first?.content ?? ""
            let user = messages.last?.content ?? ""
            let content: String
            if system.contains("hard negative") {
                content = #"{"negative": "\#(fillerWords(310, offset: 2))"}"#
            } else if system.contains("a search query and a document") {
                content = #"{"query": "\#(fillerWords(10, offset: 4))", "document": "\#(fillerWords(40, offset: 6))"}"#
            } else if user.contains("Sample 5 measurement") || user.contains("Sample 17 measurement") {
                content = "no JSON today"
            } else {
                content = #"{"hard_query": "A lab sees \#(fillerWords(10)) rise under heat; which mechanism explains it and what test would confirm it?"}"#
            }
            // A pause, so a kill can land while an answer is in flight.
            return .delayed(milliseconds: 400, .chat(content))
        }
    }

    /// Kills the armed child when its n-th chat request arrives. It runs on the server's event
    /// loop, so the kill lands at that point in the work even when the test's own tasks are
    /// starved by suites running beside it (a polling loop once overslept a whole run on CI).
    final class KillSwitch: @unchecked Sendable {
        private let lock = NSLock()
        private var process: pid_t = 0
        private var remaining = 0

        func arm(_ process: pid_t, afterRequests count: Int) {
            lock.withLock { (self.process, remaining) = (process, count) }
        }

        func requestArrived() {
            lock.withLock {
                guard process != 0 else { return }
                remaining -= 1
                if remaining <= 0 {
                    kill(process, SIGKILL)
                    process = 0
                }
            }
        }

        func disarm() { lock.withLock { process = 0 } }
    }

    struct ChatMessageStub {
        var role: String
        var content: String
    }

    @Test func killedAtRandomPointsThenRerunEndsWithExactlyOneRecordPerSeedAndTask() async throws {
        // Two endpoints: calls are spread over both.
        let killSwitch = KillSwitch()
        let server = try await Self.server(killSwitch), second = try await Self.server(killSwitch)
        defer { Task { try? await server.stop(); try? await second.stop() } }
        let directory = try TestPaths.temporaryDirectory()
        // The seeds, and 30 short documents (below the 50-word bound) that BM25 may mine.
        let others = (0..<30).map { Document(id: "other\($0)", text: "Protein \($0) activity under heat stress in cell line \($0 * 3).") }
        let corpus = try writeBEIRCorpus(topicDocuments(Self.seeds, prefix: "seed") + others, to: directory)
        let output = directory.appendingPathComponent("out")
        let arguments = [
            "synthesize", "--corpus", corpus.path, "--output", output.path,
            "--llm-url", server.baseURL, "--llm-url", second.baseURL, "--llm-concurrency", "1", "--llm-cache-dir", directory.appendingPathComponent("cache").path,
            "--vl-query-words", "10", "--vl-document-words", "60", "--bm25-skip", "5", "--attempts", "2", "--quiet",
        ]
        // A dry run counts without calling: two calls per record when every answer passes.
        let plan = try TestPaths.runCLI(arguments + ["--dry-run", "--json"])
        let planned = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
        #expect(planned?["pending"] as? Int == Self.seeds * Self.tasks)
        #expect(planned?["minimumCalls"] as? Int == 2 * Self.seeds * Self.tasks)
        #expect(planned?["maximumCalls"] as? Int == 4 * Self.seeds * Self.tasks)
        #expect(server.requestCount + second.requestCount == 0)

        // Chat calls only: each run also asks each server's /v1/models once (the cache's model identity).
        func asked() -> Int {
            (server.requests + second.requests).filter { $0.path.hasSuffix("/chat/completions") }.count
        }
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var interrupted = 0
        var previousLines = -1
        var progress: [Int] = []
        while kills < 12 {
            let process = Process()
            process.executableURL = TestPaths.executable
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A random moment measured in work, not time: this run's 2nd to 8th request.
            killSwitch.arm(process.processIdentifier, afterRequests: Int.random(in: 2...8, using: &generator))
            let waitingSince = ContinuousClock.now
            while process.isRunning && ContinuousClock.now - waitingSince < .seconds(60) {
                try await Task.sleep(for: .milliseconds(5))
            }
            killSwitch.disarm()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Let the server finish replies to the dead run (one answer takes 400 ms), so in-flight
            // counts are the next run's.
            try await Task.sleep(for: .milliseconds(600))
            kills += 1
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let lines = Self.journalLines(output).count
            #expect(lines >= previousLines, "the journal never loses a record")
            previousLines = lines
            progress.append(lines)
        }
        #expect(interrupted >= 10, "at least 10 runs were killed before they ended")
        #expect(previousLines < Self.seeds * Self.tasks, "the kills left work to do")
        #expect(Set(progress).count >= 4, "kills landed while records were being made, not only at start-up: \(progress)")

        let finished = try TestPaths.runCLI(arguments)
        #expect(finished.status == 0, "\(finished.stderr)")

        // Exactly one journal line per (seed, task), nothing torn.
        let lines = Self.journalLines(output)
        let records = try lines.map { try JSONDecoder().decode(SynthesisRecord.self, from: Data($0.utf8)) }
        #expect(records.count == Self.seeds * Self.tasks)
        #expect(Set(records.map(\.key)).count == records.count)
        #expect(Set(records.map(\.seed)) == Set((0..<Self.seeds).map { "seed\($0)" }))
        // The final files hold each pair once: accepted in train.jsonl, the rest in rejected.jsonl.
        let train = try Self.rows(output.appendingPathComponent("train.jsonl"))
        let rejected = try Self.rows(output.appendingPathComponent("rejected.jsonl"))
        #expect(train.count + rejected.count == Self.seeds * Self.tasks)
        #expect(rejected.count == 2, "the two seeds whose hard query is never valid")
        #expect(rejected.allSatisfy { $0["reason"] as? String == "unparseable_json" })
        let queries = train.compactMap { ($0["query"] as? [String])?.last }
        #expect(queries.count == train.count)
        // Mined negatives never come from the top 5 or the seed itself.
        for row in train {
            let positive = (row["pos"] as? [[String]])?.first?.last
            #expect(!((row["neg"] as? [[String]]) ?? []).contains { $0.last == positive })
        }
        // Answers given before a kill came from the cache: the server answered at most the calls
        // the records needed plus those in flight at each kill (2 per run).
        let calls = records.reduce(0) { $0 + $1.calls }
        let requests = asked()
        #expect(requests <= calls + 2 * kills, "requests \(requests), calls \(calls)")
        #expect(server.requestCount > calls / 4 && second.requestCount > calls / 4, "both endpoints served")
        #expect(server.maxInFlight <= 1 && second.maxInFlight <= 1, "--llm-concurrency bounds each endpoint")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("report.json"))) as? [String: Any]
        let tasks = report?["tasks"] as? [String: [String: Int]]
        #expect(report?["pendingRecords"] as? Int == 0)
        #expect(tasks?["hq"]?["records"] == Self.seeds && tasks?["vl"]?["records"] == Self.seeds)
    }

    static func journalLines(_ output: URL) -> [String] {
        guard let text = try? String(contentsOf: output.appendingPathComponent("journal.jsonl"), encoding: .utf8) else { return [] }
        // Only whole lines: a torn tail has no newline yet.
        return text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(text.hasSuffix("\n") ? 0 : 1).map(String.init)
    }

    static func rows(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
