import Foundation
import LLM
import Models

/// Our own engine behind the same protocols as a remote server, so that rewriting, reranking and
/// synthesis run on a local GGUF file too: `complete(prompt:)` continues the raw text (no
/// template, as `/v1/completions` does), `complete(_ messages:)` renders the file's chat template.
///
/// Unset settings take llama.cpp's server defaults (temperature 0.8, top-k 40, top-p 0.95), so
/// that a request means the same here as there; an unset seed is 0, so equal requests give equal
/// answers; unset `maxTokens` runs to a stop token or the end of the context.
extension LocalLanguageModel: ChatModel, TextCompletionModel {
    public func complete(prompt: String, options: ChatOptions) async throws -> ChatCompletion {
        try await complete(prompt: prompt, options: options, onText: { _ in })
    }

    /// `complete(prompt:options:)` that also hands each piece of text to `onText` as it is made (on
    /// the engine's queue), for streaming; the task's cancellation stops generation at the next token.
    public func complete(prompt: String, options: ChatOptions,
                         onText: @escaping @Sendable (String) -> Void) async throws -> ChatCompletion {
        if options.responseFormat != nil {
            throw LlamaError.invalidArgument("the local engine cannot constrain answers to JSON (response_format): use a server")
        }
        let sampling = SamplingParameters(temperature: Float(options.temperature ?? 0.8), topK: 40,
                                          topP: Float(options.topP ?? 0.95), seed: UInt64(truncatingIfNeeded: options.seed ?? 0))
        let maxTokens = options.maxTokens ?? generator.contextLength
        try Task.checkCancellation()
        let cancelled = CancellationFlag()
        let (text, result) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                engineQueue.async {
                    continuation.resume(with: Result {
                        try self.generate(prompt: prompt, sampling: sampling, maxTokens: maxTokens, stop: options.stop,
                                          onText: onText, shouldStop: { cancelled.isSet })
                    })
                }
            }
        } onCancel: {
            cancelled.set()
        }
        try Task.checkCancellation()
        let finish: String
        switch result.stop {
        case .maxTokens, .contextFull: finish = "length"
        case .stopToken, .cancelled: finish = "stop"
        }
        return ChatCompletion(content: text, finishReason: finish, model: name,
                              usage: TokenUsage(promptTokens: result.promptTokens, completionTokens: result.tokens.count))
    }

    public func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
        try await complete(prompt: chatPrompt(messages), options: options)
    }
}

/// A flag one thread sets and another reads (a cancelled task, seen from the engine's queue).
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
