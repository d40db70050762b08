import LLM

/// How a rerank prompt reaches the model.
public enum RerankFormat: String, Sendable, CaseIterable, Hashable {
    /// The prompt as raw text for the model to continue, with no chat template.
    case raw
    /// The prompt as the single user message of a chat, in the model's chat template.
    case chat
}

/// The reranker's model, with the way its prompts reach it.
///
/// ReasonIR sends its prompts raw: `evaluation/bright/reranker.py` hands the formatted prompt
/// strings to vLLM's `LLM.generate` (Qwen2.5-32B-Instruct, temperature 0.6, top-p 0.9, at most 32
/// tokens), which applies no chat template. An OpenAI-compatible server does the same on
/// `/v1/completions`; `chat` is the way for servers that only speak `/v1/chat/completions`.
public enum RerankLLM: Sendable {
    case raw(any TextCompletionModel)
    case chat(any ChatModel)

    public var format: RerankFormat {
        switch self {
        case .raw: return .raw
        case .chat: return .chat
        }
    }

    /// The model's answer to `prompt`.
    public func answer(_ prompt: String, options: ChatOptions) async throws -> String {
        switch self {
        case .raw(let model): return try await model.complete(prompt: prompt, options: options).content
        case .chat(let model): return try await model.complete([.user(prompt)], options: options).content
        }
    }
}
