import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `reasonir serve` as a process on 127.0.0.1 with `--port 0`: the line it prints, a real
/// socket, our own OpenAI client against it, and SIGTERM with a request in flight (it completes,
/// the process exits 0).
@Suite(.enabled(if: ServerFixtures.hasData && ServerFixtures.hasSmolLM, "needs MiniLM, SmolLM2 and shared/data/scifact"))
struct LiveServerTests {
    /// Starts the server; returns the process and its base URL once it printed `listening on`.
    private func start(_ arguments: [String]) throws -> (Process, String, Pipe) {
        let process = Process()
        process.executableURL = TestPaths.executable
        process.arguments = ["serve", "--port", "0", "--threads", "2"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while !text.contains("\n"), Date() < deadline {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("listening on http://127.0.0.1:") else {
            process.terminate()
            throw TestDataError.missing("serve printed \(line.debugDescription)")
        }
        return (process, String(line.dropFirst("listening on ".count)), out)
    }

    private func request(_ url: String, _ body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        request.timeoutInterval = 120
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func servesOnASocketTalksToOurClientAndDrainsOnSIGTERM() async throws {
        let (process, base, _) = try start(["--model", TestPaths.miniLM.path, "--llm", ServerFixtures.smolLM.path])
        defer { if process.isRunning { process.terminate() } }
        let (status, health) = try await request(base + "/health")
        #expect(status == 200 && health.contains("\"ok\""))
        // Our client (`reasonir rewrite --llm-url`) against our server.
        let rewrite = try TestPaths.runCLI(["rewrite", "--llm-url", base + "/v1", "Why do cats purr?",
                                            "--rewrite-token-budget", "8"])
        #expect(rewrite.status == 0, "\(rewrite.stderr)")
        #expect(!rewrite.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        // A generation in flight when SIGTERM comes still completes; then the process exits 0.
        let inFlight = Task {
            try await request(base + "/v1/chat/completions",
                              #"{"messages": [{"role": "user", "content": "Count to ten."}], "max_tokens": 24, "temperature": 0}"#)
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        kill(process.processIdentifier, SIGTERM)
        let (chatStatus, chat) = try await inFlight.value
        #expect(chatStatus == 200 && chat.contains("chat.completion"))
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
