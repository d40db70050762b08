import Foundation
import TestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LLM

/// The client against a fake server on loopback that answers as each test scripts it.
@Suite struct ClientTests {
    @Test func completeSendsTheRequestAndDecodesTheAnswer() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .chat("Relevance score: 4.") }
        let client = try TestSupport.client(server, apiKey: "secret")
        let options = ChatOptions(temperature: 0.6, topP: 0.9, maxTokens: 32, seed: 42, stop: ["\n\n"])
        let completion = try await client.complete([.system("sys"), .user("hello")], options: options)
        #expect(completion.content == "Relevance score: 4.")
        #expect(completion.finishReason == "stop")
        #expect(completion.usage == TokenUsage(promptTokens: 7, completionTokens: 3))
        #expect(!completion.fromCache)

        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer secret")
        #expect(request.headers["content-type"] == "application/json")
        let json = request.json
        #expect(json["model"] as? String == "fake-model")
        #expect(json["temperature"] as? Double == 0.6)
        #expect(json["top_p"] as? Double == 0.9)
        #expect(json["max_tokens"] as? Int == 32)
        #expect(json["seed"] as? Int == 42)
        #expect(json["stop"] as? [String] == ["\n\n"])
        #expect(json["stream"] == nil)
        let messages = try #require(json["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "sys"], ["role": "user", "content": "hello"]])
        try await server.stop()
    }

    @Test func unsetOptionsAreLeftOut() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .chat("ok") }
        let client = try TestSupport.client(server, model: nil)
        _ = try await client.complete([.user("hi")])
        #expect(Set(server.requests[0].json.keys) == ["messages"])
        try await server.stop()
    }

    @Test(arguments: CompletionEndpoint.allCases)
    func retriesHTTP500ThenSucceeds(endpoint: CompletionEndpoint) async throws {
        let server = try await FakeOpenAIServer.start { _, number in
            number < 2 ? .status(500, "{\"error\":{\"message\":\"overloaded\"}}") : endpoint.reply("third time")
        }
        let client = try TestSupport.client(server)
        let completion = try await endpoint.ask(client, "q")
        #expect(completion.content == "third time")
        #expect(server.requests.map(\.path) == Array(repeating: endpoint.path, count: 3))
        let statistics = client.statistics
        #expect(statistics.requests == 3 && statistics.retries == 2 && statistics.calls == 1 && statistics.failures == 0)
        try await server.stop()
    }

    @Test func retries429HonouringRetryAfter() async throws {
        let server = try await FakeOpenAIServer.start { _, number in
            number == 0 ? .status(429, "slow down", headers: ["Retry-After": "0.2"]) : .chat("ok")
        }
        let client = try TestSupport.client(server)
        let started = ContinuousClock.now
        #expect(try await client.complete([.user("q")]).content == "ok")
        // The policy alone would wait 5 ms; the server asked for 200 ms (capped at 50 ms by maxDelay).
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        #expect(server.requestCount == 2)
        try await server.stop()
    }

    @Test func givesUpAfterMaxAttemptsWithAReadableError() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .status(503, "{\"error\":\"Loading model\"}") }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) { try await client.complete([.user("q")]) }
        #expect(error == .httpStatus(url: "\(server.baseURL)/chat/completions", status: 503,
                                     body: "{\"error\":\"Loading model\"}", attempts: 4))
        #expect(error.description == "POST \(server.baseURL)/chat/completions: HTTP 503 after 4 attempts: {\"error\":\"Loading model\"}")
        #expect(server.requestCount == 4)
        #expect(client.statistics.failures == 1)
        try await server.stop()
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in
            .status(400, "{\"error\":{\"message\":\"the request exceeds the available context size\"}}")
        }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) { try await client.complete([.user("q")]) }
        guard case .httpStatus(_, 400, let body, 1) = error else { Issue.record("got \(error)"); return }
        #expect(body.contains("exceeds the available context size"))
        #expect(server.requestCount == 1)
        try await server.stop()
    }

    @Test func serverDown() async throws {
        let port = try await FakeOpenAIServer.closedPort()
        let client = try TestSupport.client(baseURL: "http://127.0.0.1:\(port)", retry: RetryPolicy(
            maxAttempts: 3, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5), jitter: false))
        let error = try await #require(throws: LLMError.self) { try await client.complete([.user("q")]) }
        guard case .connection(let url, 3, _) = error else { Issue.record("got \(error)"); return }
        #expect(url == "http://127.0.0.1:\(port)/v1/chat/completions")
        #expect(error.description.contains("cannot reach the server") && error.description.contains("after 3 attempts"))
        #expect(client.statistics.requests == 3)
    }

    @Test func connectionClosedWithoutAnswerIsRetried() async throws {
        let server = try await FakeOpenAIServer.start { _, number in number == 0 ? .close : .chat("ok") }
        let client = try TestSupport.client(server)
        #expect(try await client.complete([.user("q")]).content == "ok")
        #expect(server.requestCount == 2)
        try await server.stop()
    }

    @Test func timeoutIsRetriedThenReported() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .hang }
        let client = try TestSupport.client(server, retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(1), jitter: false),
                                            requestTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        let error = try await #require(throws: LLMError.self) { try await client.complete([.user("q")]) }
        #expect(error == .timeout(url: "\(server.baseURL)/chat/completions", seconds: 0.3, attempts: 2))
        #expect(ContinuousClock.now - started < .seconds(60), "the timeout ends the wait")
        #expect(server.requestCount == 2)
        try await server.stop()
    }

    @Test func slowAnswerWithinTheTimeoutIsFine() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .delayed(milliseconds: 200, .chat("late")) }
        let client = try TestSupport.client(server, requestTimeout: .seconds(5))
        #expect(try await client.complete([.user("q")]).content == "late")
        try await server.stop()
    }

    @Test(arguments: CompletionEndpoint.allCases, [
        ("{\"choices\": [", "not a "),
        ("<html>Bad Gateway</html>", "not a "),
        ("{\"object\":\"chat.completion\",\"choices\":[]}", "no choices"),
    ])
    func malformedJSONIsAnErrorAndNeverCached(endpoint: CompletionEndpoint, answer: (body: String, reason: String)) async throws {
        let (body, reason) = answer
        let cacheDirectory = TestSupport.temporaryDirectory()
        let server = try await FakeOpenAIServer.start { _, _ in .ok(body) }
        let client = try TestSupport.client(server, cache: cacheDirectory)
        let error = try await #require(throws: LLMError.self) { try await endpoint.ask(client, "q") }
        guard case .malformedResponse(let url, let said, let excerpt) = error else { Issue.record("got \(error)"); return }
        #expect(url == server.baseURL + "/" + endpoint.rawValue)
        #expect(said.hasPrefix(reason == "not a " ? reason + endpoint.answerName : reason), "\(said)")
        #expect(excerpt == body)
        #expect(server.requestCount == 1, "a malformed answer is not retried")
        #expect(ResponseCache(directory: cacheDirectory).entryCount() == 0)
        _ = try? await endpoint.ask(client, "q")
        #expect(server.requestCount == 2, "nothing was cached, so the server is asked again")
        try await server.stop()
    }

    /// A chat answer to a text call lacks `text`, a text answer to a chat call lacks `message`:
    /// both are malformed, not an empty answer.
    @Test(arguments: CompletionEndpoint.allCases)
    func anAnswerOfTheOtherEndpointIsMalformed(endpoint: CompletionEndpoint) async throws {
        let other: CompletionEndpoint = endpoint == .chat ? .text : .chat
        let server = try await FakeOpenAIServer.start { _, _ in other.reply("Relevance score: 4.") }
        let client = try TestSupport.client(server, cache: TestSupport.temporaryDirectory())
        let error = try await #require(throws: LLMError.self) { try await endpoint.ask(client, "q") }
        guard case .malformedResponse(_, let said, _) = error else { Issue.record("got \(error)"); return }
        #expect(said == (endpoint == .chat ? "the choice has no message" : "the choice has no text"))
        #expect(client.cache?.entryCount() == 0)
        try await server.stop()
    }

    @Test func errorObjectInA200IsAServerError() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .ok("{\"error\":{\"message\":\"model not loaded\"}}") }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) { try await client.complete([.user("q")]) }
        #expect(error == .serverError(url: "\(server.baseURL)/chat/completions", message: "model not loaded"))
        try await server.stop()
    }

    @Test func concurrentRequestsAreBounded() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .delayed(milliseconds: 40, .chat("ok")) }
        let client = try TestSupport.client(server, concurrency: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<12 { group.addTask { _ = try await client.complete([.user("q\(i)")]) } }
            try await group.waitForAll()
        }
        #expect(server.requestCount == 12)
        #expect((1...3).contains(server.maxInFlight))
        try await server.stop()
    }
}

@Suite struct StreamingTests {
    @Test func piecesArriveInOrderAndTheWholeIsCached() async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        let server = try await FakeOpenAIServer.start { _, _ in .chatStream(["Rele", "vance score", ": 3", "."]) }
        let client = try TestSupport.client(server, cache: cacheDirectory)
        var pieces: [String] = []
        for try await piece in client.streamCompletion([.user("q")], options: ChatOptions(maxTokens: 8)) { pieces.append(piece) }
        #expect(pieces == ["Rele", "vance score", ": 3", "."])
        #expect(server.requests[0].json["stream"] as? Bool == true)
        #expect(server.requests[0].headers["accept"] == "text/event-stream")

        // The same request again, streamed or whole, comes from the cache.
        var again: [String] = []
        for try await piece in client.streamCompletion([.user("q")], options: ChatOptions(maxTokens: 8)) { again.append(piece) }
        #expect(again.joined() == "Relevance score: 3.")
        let whole = try await client.complete([.user("q")], options: ChatOptions(maxTokens: 8))
        #expect(whole.content == "Relevance score: 3." && whole.fromCache && whole.finishReason == "stop")
        #expect(server.requestCount == 1)
        #expect(client.statistics.cacheHits == 2)
        try await server.stop()
    }

    @Test func aStreamCutMidwayThrowsAndCachesNothing() async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        // Role chunk, two pieces, then the connection closes: no finish_reason, no [DONE].
        let server = try await FakeOpenAIServer.start { _, _ in .chatStream(["one ", "two ", "three"], cutAfter: 3) }
        let client = try TestSupport.client(server, cache: cacheDirectory)
        var pieces: [String] = []
        let error = try await #require(throws: LLMError.self) {
            for try await piece in client.streamCompletion([.user("q")], options: ChatOptions()) { pieces.append(piece) }
        }
        #expect(pieces == ["one ", "two "])
        guard case .streamInterrupted(_, 8, _) = error else { Issue.record("got \(error)"); return }
        #expect(server.requestCount == 1, "pieces were handed on, so the stream is not retried")
        #expect(ResponseCache(directory: cacheDirectory).entryCount() == 0)
        try await server.stop()
    }

    @Test func aStreamThatFailsBeforeAnyPieceIsRetried() async throws {
        let server = try await FakeOpenAIServer.start { _, number in
            switch number {
            case 0: return .status(502, "bad gateway")
            case 1: return .chatStream(["x"], cutAfter: 1)  // the role chunk only, then cut
            default: return .chatStream(["fine"])
            }
        }
        let client = try TestSupport.client(server)
        var text = ""
        for try await piece in client.streamCompletion([.user("q")], options: ChatOptions()) { text += piece }
        #expect(text == "fine")
        #expect(server.requestCount == 3)
        try await server.stop()
    }

    @Test func malformedEventIsAnError() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .events(["{\"choices\": [", "[DONE]"], cutAfter: nil) }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) {
            for try await _ in client.streamCompletion([.user("q")], options: ChatOptions()) {}
        }
        guard case .malformedResponse = error else { Issue.record("got \(error)"); return }
        try await server.stop()
    }

    @Test func errorEventIsAServerError() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in
            .events(["{\"error\":{\"message\":\"context full\",\"code\":500}}"], cutAfter: nil)
        }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) {
            for try await _ in client.streamCompletion([.user("q")], options: ChatOptions()) {}
        }
        #expect(error == .serverError(url: "\(server.baseURL)/chat/completions", message: "context full"))
        try await server.stop()
    }
}

@Suite struct CacheResumeTests {
    /// A run of 12 calls breaks off at its 7th answer (the server starts failing for good);
    /// the rerun against a healthy server asks only for the calls that had not finished.
    @Test(arguments: CompletionEndpoint.allCases)
    func rerunAfterAFailedRunAsksOnlyForWhatIsMissing(endpoint: CompletionEndpoint) async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        let prompts = (0..<12).map { "query \($0)" }
        let failing = try await FakeOpenAIServer.start { request, _ in
            let content = CompletionEndpoint.prompt(of: request)
            return Int(content.split(separator: " ").last ?? "") ?? 0 >= 6 ? .status(500, "crashed") : endpoint.reply("answer to \(content)")
        }
        let first = try TestSupport.client(failing, retry: .none, cache: cacheDirectory, concurrency: 1)
        var answered = 0
        do {
            for prompt in prompts {
                _ = try await endpoint.ask(first, prompt)
                answered += 1
            }
            Issue.record("the run should have failed")
        } catch {}
        #expect(answered == 6)
        #expect(ResponseCache(directory: cacheDirectory).entryCount() == 6)
        try await failing.stop()

        let healthy = try await FakeOpenAIServer.start { request, _ in
            endpoint.reply("answer to \(CompletionEndpoint.prompt(of: request))")
        }
        let second = try TestSupport.client(healthy, cache: cacheDirectory)
        for prompt in prompts {
            #expect(try await endpoint.ask(second, prompt).content == "answer to \(prompt)")
        }
        #expect(healthy.requestCount == 6)
        #expect(second.statistics.cacheHits == 6)
        #expect(ResponseCache(directory: cacheDirectory).entryCount() == 12)
        try await healthy.stop()
    }

    /// A run cancelled while requests are in flight (as Ctrl-C would leave it): every entry on
    /// disk is whole, and the rerun asks exactly for the calls without one.
    @Test func rerunAfterACancelledRunReusesEveryFinishedCall() async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        let server = try await FakeOpenAIServer.start { _, _ in .delayed(milliseconds: 50, .chat("ok")) }
        let client = try TestSupport.client(server, cache: cacheDirectory, concurrency: 4)
        let prompts = (0..<80).map { "prompt \($0)" }
        let run = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for prompt in prompts { group.addTask { _ = try await client.complete([.user(prompt)]) } }
                try await group.waitForAll()
            }
        }
        // Interrupt the run once a few answers are in (the deadline is generous: a loaded 2-core
        // machine can take long to start the first requests).
        let cache = ResponseCache(directory: cacheDirectory)
        let deadline = ContinuousClock.now + .seconds(180)
        while cache.entryCount() < 5 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        run.cancel()
        _ = await run.result
        let finished = cache.entryCount()
        #expect(finished > 0 && finished < prompts.count)
        #expect(server.requestCount >= finished)
        try await server.stop()

        // A fresh server, so that requests of the first run still on their way are not counted.
        let second = try await FakeOpenAIServer.start { _, _ in .chat("ok") }
        let rerun = try TestSupport.client(second, cache: cacheDirectory, concurrency: 4)
        for prompt in prompts { #expect(try await rerun.complete([.user(prompt)]).content == "ok") }
        #expect(second.requestCount == prompts.count - finished)
        #expect(rerun.statistics.cacheHits == finished)
        #expect(cache.entryCount() == prompts.count)
        try await second.stop()
    }
}

@Suite struct EmbeddingTests {
    @Test func vectorsComeBackInInputOrder() async throws {
        let server = try await FakeOpenAIServer.start { request, _ in
            #expect(request.path == "/v1/embeddings")
            return .ok("{\"object\":\"list\",\"data\":[{\"index\":1,\"embedding\":[0.5,0.25]},{\"index\":0,\"embedding\":[1,2]}]}")
        }
        let client = try TestSupport.client(server)
        #expect(try await client.embed(["a", "b"]) == [[1, 2], [0.5, 0.25]])
        #expect(server.requests[0].json["input"] as? [String] == ["a", "b"])
        try await server.stop()
    }

    @Test func wrongCountIsMalformed() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .ok("{\"data\":[{\"index\":0,\"embedding\":[1]}]}") }
        let client = try TestSupport.client(server)
        let error = try await #require(throws: LLMError.self) { try await client.embed(["a", "b"]) }
        guard case .malformedResponse(_, let reason, _) = error else { Issue.record("got \(error)"); return }
        #expect(reason == "1 embeddings for 2 texts")
        try await server.stop()
    }
}

/// Cache entries belong to the model that answered: with no model configured, the client asks
/// the server's `/v1/models` once and keys its answers by that model.
@Suite struct CacheIdentityTests {
    static func server(listing model: String?, answer: String) async throws -> FakeOpenAIServer {
        try await FakeOpenAIServer.start { request, _ in
            if request.path.hasSuffix("/models") {
                guard let model else { return .status(404, "{\"error\":\"no such route\"}") }
                return .ok("{\"object\":\"list\",\"data\":[{\"id\":\"\(model)\",\"object\":\"model\"}]}")
            }
            return .chat(answer)
        }
    }

    @Test func anotherModelNeverGetsThisOnesAnswersAndARestartedServerStillDoes() async throws {
        let cache = TestSupport.temporaryDirectory()
        let first = try await Self.server(listing: "model-a", answer: "from a")
        let a = try TestSupport.client(first, cache: cache, model: nil)
        #expect(try await a.complete([.user("q")]).content == "from a")
        #expect(try await a.complete([.user("q2")]).content == "from a")
        #expect(first.requests.filter { $0.path.hasSuffix("/models") }.count == 1, "asked once per client")

        let other = try await Self.server(listing: "model-b", answer: "from b")
        let b = try TestSupport.client(other, cache: cache, model: nil)
        #expect(try await b.complete([.user("q")]).content == "from b", "model-b is asked, not served model-a's answer")

        // The same model on another port (a restarted server): its answers are found again.
        let restarted = try await Self.server(listing: "model-a", answer: "asked again")
        let again = try TestSupport.client(restarted, cache: cache, model: nil)
        #expect(try await again.complete([.user("q")]).content == "from a")
        #expect(restarted.requests.filter { $0.path.hasSuffix("/chat/completions") }.isEmpty)

        // A server without /v1/models: keyed by its host and port, so it shares nothing either.
        let bare = try await Self.server(listing: nil, answer: "from bare")
        let unnamed = try TestSupport.client(bare, cache: cache, model: nil)
        #expect(try await unnamed.complete([.user("q")]).content == "from bare")
        for server in [first, other, restarted, bare] { try await server.stop() }
        for client in [a, b, again, unnamed] { try await client.shutdown() }
    }
}
