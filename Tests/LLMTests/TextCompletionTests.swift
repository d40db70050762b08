import Foundation
import TestSupport
import Testing
@testable import LLM

/// `/v1/completions` against the fake server: what goes out and how it is cached. The faults
/// (HTTP 500 then success, malformed JSON, a rerun after a failed run) are in ClientTests and
/// CacheResumeTests, run for both endpoints.
@Suite struct TextCompletionTests {
    @Test func sendsThePromptAsItIsToTheCompletionsEndpoint() async throws {
        let server = try await FakeOpenAIServer.start { _, _ in .text(" 4.", finishReason: "length", completionTokens: 2) }
        let client = try TestSupport.client(server)
        let prompt = "Here is the query:\n<start_query>\nq\n<end_query>\n"
        let completion = try await client.complete(prompt: prompt, options: ChatOptions(temperature: 0.6, topP: 0.9, maxTokens: 32,
                                                                                         seed: 42, stop: ["\n\n"]))
        #expect(completion.content == " 4.")
        #expect(completion.finishReason == "length")
        #expect(completion.usage == TokenUsage(promptTokens: 7, completionTokens: 2))
        #expect(!completion.fromCache)

        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/completions")
        let json = request.json
        #expect(json["prompt"] as? String == prompt, "the text, not wrapped in messages or a template")
        #expect(json["messages"] == nil)
        #expect(json["model"] as? String == "fake-model")
        #expect(json["temperature"] as? Double == 0.6 && json["top_p"] as? Double == 0.9)
        #expect(json["max_tokens"] as? Int == 32 && json["seed"] as? Int == 42)
        #expect(json["stop"] as? [String] == ["\n\n"])
        #expect(json["stream"] == nil)
        try await server.stop()
    }

    /// The same words asked as a chat and as raw text are two requests with two answers.
    @Test func chatAndTextNeverShareACacheEntry() async throws {
        let server = try await FakeOpenAIServer.start { request, _ in
            request.path == "/v1/completions" ? .text("as text") : .chat("as chat")
        }
        let cacheDirectory = TestSupport.temporaryDirectory()
        let client = try TestSupport.client(server, cache: cacheDirectory)
        #expect(try await client.complete(prompt: "same words").content == "as text")
        #expect(try await client.complete([.user("same words")]).content == "as chat")
        let again = try await client.complete(prompt: "same words")
        #expect(again.content == "as text" && again.fromCache)
        #expect(server.requestCount == 2)
        #expect(ResponseCache(directory: cacheDirectory).entryCount() == 2)
        try await server.stop()
    }
}
