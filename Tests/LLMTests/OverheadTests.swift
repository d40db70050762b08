import Foundation
import TestSupport
import Testing
@testable import LLM

/// How much of a call's time is the client's own work at 8 requests in flight, against a fake
/// server that answers every request after exactly `delay`: everything but waiting on the server
/// (building and encoding the request, hashing it for the cache, reading and writing the cache,
/// decoding the answer, bookkeeping) must stay under 5% of the time.
///
/// Two measures, both printed: the client's own timestamps (its work over the calls' wall time),
/// and the run's wall time over the ideal `ceil(n / 8) · delay`, which also charges the client
/// for the event loop, the fake server and the loopback (an upper bound).
///
/// The 5% limit is checked in release builds (`swift test -c release --filter OverheadTests`),
/// which is how the tool runs; unoptimised builds only report (hashing a request for the cache
/// alone costs them about 1 ms).
@Suite(.serialized) struct OverheadTests {
    @Test(arguments: [false, true])
    func clientOverheadAtEightConcurrentRequests(cached: Bool) async throws {
        let delay = 50, calls = 160, concurrency = 8
        let document = String(repeating: "Vitamin D deficiency and the risk of multiple sclerosis. ", count: 30)
        let server = try await FakeOpenAIServer.start { _, _ in .delayed(milliseconds: delay, .chat("Relevance score: 3.")) }
        let cacheDirectory = cached ? TestSupport.temporaryDirectory() : nil
        let client = try TestSupport.client(server, cache: cacheDirectory, concurrency: concurrency)
        // Warm up: connections opened, code paged in.
        for i in 0..<concurrency { _ = try await client.complete([.user("warm-up \(i)")]) }
        let before = client.statistics

        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<calls {
                group.addTask {
                    _ = try await client.complete([.user("query \(i)\n\(document)")],
                                                  options: ChatOptions(temperature: 0.6, topP: 0.9, maxTokens: 32))
                }
            }
            try await group.waitForAll()
        }
        let wall = RetryPolicy.seconds(ContinuousClock.now - started)
        let after = client.statistics
        let client_ = after.clientSeconds - before.clientSeconds
        let server_ = after.serverSeconds - before.serverSeconds
        let queue = after.queueSeconds - before.queueSeconds
        let timestampShare = client_ / (client_ + server_)
        let ideal = Double((calls + concurrency - 1) / concurrency) * Double(delay) / 1000
        let wallShare = (wall - ideal) / wall
        print(String(format: "client overhead (%@cache), %d calls at %d in flight, server delay %d ms: wall %.3fs (ideal %.3fs, "
                     + "%.2f%% over); client work %.4fs = %.3f ms/call = %.2f%% of call time; server %.2fs; queue %.2fs",
                     cached ? "with " : "no ", calls, concurrency, delay, wall, ideal, wallShare * 100, client_,
                     client_ / Double(calls) * 1000, timestampShare * 100, server_, queue))
        #expect(after.calls - before.calls == calls)
        #if !DEBUG
        #expect(timestampShare < 0.05, "the client's own work is \(timestampShare * 100)% of the call time")
        #endif
        try await server.stop()
    }
}
