/// Anything that continues raw text: no chat template, no roles; the model sees the prompt's
/// characters as they are (OpenAI's `/v1/completions`, vLLM's `LLM.generate`, a local engine).
///
/// ReasonIR's reranker prompts its model this way, so a chat-tuned model meets the prompt
/// without the turn markers it was tuned on; `ChatModel` is the other way in.
public protocol TextCompletionModel: Sendable {
    /// The continuation of `prompt`. The settings are those of a chat (`ChatOptions`); the
    /// answer's `content` is the generated text alone, the prompt not repeated.
    func complete(prompt: String, options: ChatOptions) async throws -> ChatCompletion
}

extension TextCompletionModel {
    /// `complete(prompt:options:)` with the server's defaults.
    public func complete(prompt: String) async throws -> ChatCompletion {
        try await complete(prompt: prompt, options: ChatOptions())
    }
}
