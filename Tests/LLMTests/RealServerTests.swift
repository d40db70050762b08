import Foundation
import Testing
@testable import LLM

/// The client against a real llama.cpp server (SmolLM2-135M-Instruct through xllamacpp), which
/// scripts/test.sh starts and names in REASONIR_LLM_URL.
@Suite(.enabled(if: TestSupport.realServerURL != nil, Comment(rawValue: realServerMissing)))
struct RealServerTests {
    let url = TestSupport.realServerURL ?? ""

    func client(cache: URL? = nil, concurrency: Int = 8) throws -> OpenAICompatibleClient {
        try TestSupport.client(baseURL: url, retry: RetryPolicy(maxAttempts: 3), cache: cache, concurrency: concurrency,
                               requestTimeout: .seconds(300), model: nil)
    }

    @Test func completes() async throws {
        let client = try client()
        let completion = try await client.complete(
            [.system("You are a helpful assistant"), .user("Name one planet of the solar system.")],
            options: ChatOptions(temperature: 0, maxTokens: 16, seed: 1))
        #expect(!completion.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let usage = try #require(completion.usage)
        #expect(usage.promptTokens > 5)
        #expect((1...16).contains(usage.completionTokens))
        #expect(["stop", "length"].contains(completion.finishReason))
    }

    @Test func maxTokensCutsTheAnswer() async throws {
        let completion = try await client().complete(
            [.user("Count from 1 to 100, separated by commas.")], options: ChatOptions(temperature: 0, maxTokens: 3))
        #expect(completion.usage?.completionTokens == 3)
        #expect(completion.finishReason == "length")
    }

    /// `/v1/completions` continues the text as it is: llama.cpp's greedy next token after these
    /// words (our engine's too: LanguageModelCLITests), and no chat template around them.
    @Test func completesRawTextWithoutTheChatTemplate() async throws {
        let client = try client(cache: TestSupport.temporaryDirectory())
        let prompt = "The capital of France is"
        let options = ChatOptions(temperature: 0, maxTokens: 1)
        let completion = try await client.complete(prompt: prompt, options: options)
        #expect(completion.content == " Paris")
        #expect(completion.finishReason == "length")
        let raw = try #require(completion.usage)
        let chat = try #require(try await client.complete([.user(prompt)], options: options).usage)
        // SmolLM2's template adds a default system turn and role markers: dozens of tokens.
        #expect(raw.promptTokens <= 8 && chat.promptTokens > raw.promptTokens + 10, "raw \(raw), chat \(chat)")
        let again = try await client.complete(prompt: prompt, options: options)
        #expect(again.fromCache && again.content == completion.content)
        #expect(client.statistics.requests == 2)
    }

    @Test func streamsPiecesAndCachesTheWhole() async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        let client = try client(cache: cacheDirectory)
        let messages: [ChatMessage] = [.user("Write a sentence about the sea.")]
        let options = ChatOptions(temperature: 0, maxTokens: 12, seed: 7)
        var pieces: [String] = []
        for try await piece in client.streamCompletion(messages, options: options) { pieces.append(piece) }
        #expect(pieces.count >= 2, "a streamed answer comes in several pieces")
        #expect(client.statistics.requests == 1)
        let cached = try await client.complete(messages, options: options)
        #expect(cached.fromCache && cached.content == pieces.joined())
        #expect(client.statistics.requests == 1)
    }

    @Test func eightAtOnceAndARerunFromTheCache() async throws {
        let cacheDirectory = TestSupport.temporaryDirectory()
        let client = try client(cache: cacheDirectory, concurrency: 8)
        let prompts = (1...8).map { "Say the number \($0)." }
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, prompt) in prompts.enumerated() {
                group.addTask { (i, try await client.complete([.user(prompt)], options: ChatOptions(maxTokens: 6)).content) }
            }
            var answers = [String](repeating: "", count: prompts.count)
            for try await (i, answer) in group { answers[i] = answer }
            return answers
        }
        #expect(client.statistics.requests == 8)
        let rerun = try self.client(cache: cacheDirectory)
        for (prompt, answer) in zip(prompts, answers) {
            #expect(try await rerun.complete([.user(prompt)], options: ChatOptions(maxTokens: 6)).content == answer)
        }
        #expect(rerun.statistics.requests == 0 && rerun.statistics.cacheHits == 8)
    }

    @Test func embedsThroughTheEmbeddingsEndpoint() async throws {
        // scripts/llm-server.sh serves /v1/embeddings with mean pooling and L2 normalisation.
        let texts = ["The cat sat on the mat.", "A cat was sitting on a mat.", "Quarks carry a colour charge.",
                     "The cat sat on the mat."]
        let vectors = try await client().embed(texts)
        #expect(vectors.count == texts.count)
        #expect(vectors.allSatisfy { $0.count == 576 }, "SmolLM2-135M's hidden size")
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        for v in vectors { #expect(abs(dot(v, v) - 1) < 1e-4, "unit length") }
        #expect(abs(dot(vectors[0], vectors[3]) - 1) < 1e-4, "the same text, the same vector")
        // A chat model's mean-pooled states carry little meaning, so only distinctness is checked.
        #expect(dot(vectors[0], vectors[2]) < 0.99, "different texts, different vectors")
    }
}
