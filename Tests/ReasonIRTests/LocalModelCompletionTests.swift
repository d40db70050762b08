import Foundation
import Testing
import TestSupport
@testable import ReasonIR

/// Our engine behind `TextCompletionModel` and `ChatModel`, on SmolLM2-135M-Instruct (Q4_1 GGUF).
@Suite(.enabled(if: TestPaths.hasModel("SmolLM2-135M-Instruct", file: "SmolLM2-135M-Instruct.Q4_1.gguf"),
                "SmolLM2-135M-Instruct GGUF not found: set REASONIR_MODELS or run scripts/fetch-models.sh"))
struct LocalModelCompletionTests {
    static let llm = Result {
        try LocalLanguageModel(gguf: TestPaths.models.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"),
                               threads: 2, contextLength: 1024)
    }

    @Test func rawPromptIsContinuedWithoutATemplate() async throws {
        let llm = try Self.llm.get()
        let prompt = "The capital of France is"
        let completion = try await llm.complete(prompt: prompt, options: ChatOptions(temperature: 0, maxTokens: 1))
        // llama.cpp's greedy next token (the server gives the same: LLMTests.RealServerTests).
        #expect(completion.content == " Paris")
        #expect(completion.finishReason == "length")
        #expect(completion.model == "SmolLM2-135M-Instruct.Q4_1")
        #expect(completion.usage == TokenUsage(promptTokens: llm.tokenizer.encode(prompt, addSpecial: true, parseSpecial: true).count,
                                               completionTokens: 1))
    }

    @Test func chatGoesThroughTheFilesTemplate() async throws {
        let llm = try Self.llm.get()
        let messages: [ChatMessage] = [.user("What is 2+2?")]
        let completion = try await llm.complete(messages, options: ChatOptions(temperature: 0, maxTokens: 48))
        // llama.cpp's greedy reply to this chat, as `reasonir chat` gives it (LanguageModelCLITests).
        #expect(completion.content == "The answer to this classic math problem is 4.")
        #expect(completion.finishReason == "stop")
        let promptTokens = llm.tokenizer.encode(try llm.chatPrompt(messages), addSpecial: true, parseSpecial: true).count
        #expect(completion.usage?.promptTokens == promptTokens)
    }

    /// A stop string ends the answer before it, in the returned text and in what was streamed.
    @Test func stopStringsCutTheAnswer() async throws {
        let llm = try Self.llm.get()
        let prompt = "Count from one to twenty: one, two, three,"
        let whole = try await llm.complete(prompt: prompt, options: ChatOptions(temperature: 0, maxTokens: 16)).content
        let words = whole.split(separator: ",")
        try #require(words.count >= 3, "the greedy continuation '\(whole)' has too few commas to pick a stop string")
        let stop = "," + words[2].prefix(3)
        let expected = String(whole[..<whole.range(of: stop)!.lowerBound])
        let stopped = try await llm.complete(prompt: prompt, options: ChatOptions(temperature: 0, maxTokens: 16, stop: [stop, "never appears"]))
        #expect(stopped.content == expected)
        #expect(stopped.finishReason == "stop")
        var streamed = ""
        let direct = try llm.generate(prompt: prompt, sampling: .greedy, maxTokens: 16, stop: [stop]) { streamed += $0 }
        #expect(direct.text == expected && streamed == expected)
    }

    @Test func responseFormatIsRefusedByName() async throws {
        let llm = try Self.llm.get()
        let error = await #expect(throws: (any Error).self) {
            try await llm.complete(prompt: "{", options: ChatOptions(maxTokens: 4, responseFormat: .jsonObject))
        }
        #expect("\(error!)".contains("response_format"))
    }
}
