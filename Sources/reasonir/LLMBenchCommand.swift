import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir llm-bench`: where a client's time goes against a server, from its own timestamps.
struct LLMBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm-bench",
        abstract: "Measure the LLM client's own overhead against a server, at a given concurrency.",
        discussion: """
            Sends --requests different chat requests, --llm-concurrency at a time, without the \
            cache unless --with-cache, and reports the wall time, the time spent waiting on the \
            server, and the client's own work (encoding, hashing, the cache, decoding) as a share \
            of the calls' time.

            Example:
                reasonir llm-bench --llm-url http://127.0.0.1:8080/v1 --requests 32 --llm-concurrency 8
            """)

    @OptionGroup var llm: LLMOptions

    @Option(help: "Requests to send.")
    var requests = 32

    @Option(help: "max_tokens of each request.")
    var maxTokens = 8

    @Flag(help: "Write answers to the cache (in a fresh temporary folder), as an evaluation does.")
    var withCache = false

    func run() async throws {
        try await reportingErrors {
            var configuration = try llm.client().configuration
            configuration.cacheDirectory = withCache
                ? FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-llm-bench-\(UUID().uuidString)") : nil
            let client = OpenAICompatibleClient(configuration: configuration)
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<requests {
                    group.addTask {
                        _ = try await client.complete([.user("Request \(i) (\(UUID().uuidString)): name a colour.")],
                                                      options: ChatOptions(temperature: 0, maxTokens: maxTokens))
                    }
                }
                try await group.waitForAll()
            }
            let wall = ContinuousClock.now - started
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
            let stats = client.statistics
            print(String(format: "%d requests, %d in flight: wall %.2fs (%.2f requests/s)", requests,
                         configuration.maxConcurrentRequests, wallSeconds, Double(requests) / wallSeconds))
            print(String(format: "waiting on the server %.2fs, client's own work %.4fs (%.3f ms/call) = %.3f%% of the calls' time",
                         stats.serverSeconds, stats.clientSeconds, stats.clientSeconds / Double(requests) * 1000,
                         stats.clientSeconds / (stats.clientSeconds + stats.serverSeconds) * 100))
            try await client.shutdown()
        }
    }
}
