import Foundation
import LLM
import Retrieval

/// Rewrites a query into reasoning about it, as BRIGHT does ("Reasoning-enhanced queries",
/// `reason.py`) and ReasonIR does with a length limit (`query_rewriting.py`): the post on one
/// line, then instructions to identify the essential problem, think step by step, and draft an
/// answer, optionally "within N tokens". The rewrite replaces the query for retrieval.
///
/// Calls go through the `ChatModel`; with an `OpenAICompatibleClient` that has a cache, a rewrite
/// once made is reused, so a rerun asks again only for what it lacks.
public struct QueryRewriter: Sendable {
    public var model: any ChatModel
    /// Appends "Your answer must be written within N tokens." and caps `max_tokens` at N.
    public var tokenBudget: Int?
    /// BRIGHT's and ReasonIR's API models sample at temperature 0.8 and top-p 0.8.
    public var temperature: Double?
    public var topP: Double?
    /// `max_tokens`; nil means `tokenBudget`, else 2048 (BRIGHT's limit).
    public var maxTokens: Int?
    public var seed: Int?
    /// BRIGHT sends "You are a helpful assistant" as the system message; nil sends none.
    public var systemMessage: String?
    /// Rewrites in flight at once (the client may bound requests further).
    public var maxConcurrentCalls: Int

    public init(model: any ChatModel, tokenBudget: Int? = nil, temperature: Double? = 0.8, topP: Double? = 0.8,
                maxTokens: Int? = nil, seed: Int? = nil, systemMessage: String? = "You are a helpful assistant",
                maxConcurrentCalls: Int = 8) {
        self.model = model
        self.tokenBudget = tokenBudget
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.systemMessage = systemMessage
        self.maxConcurrentCalls = max(1, maxConcurrentCalls)
    }

    /// The user message for `query`, word for word as BRIGHT and ReasonIR build it.
    public static func prompt(for query: String, tokenBudget: Int? = nil) -> String {
        let post = query.replacingOccurrences(of: "\n", with: " ")
        var prompt = "\(post)\n\n"
            + "Instructions:\n"
            + "1. Identify the essential problem.\n"
            + "2. Think step by step to reason and describe what information could be relevant and helpful to address the questions in detail.\n"
            + "3. Draft an answer with as many thoughts as you have.\n"
        if let tokenBudget { prompt += "Your answer must be written within \(tokenBudget) tokens." }
        return prompt
    }

    public func messages(for query: String) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let systemMessage { messages.append(.system(systemMessage)) }
        messages.append(.user(Self.prompt(for: query, tokenBudget: tokenBudget)))
        return messages
    }

    public var options: ChatOptions {
        ChatOptions(temperature: temperature, topP: topP, maxTokens: maxTokens ?? tokenBudget ?? 2048, seed: seed)
    }

    /// The rewrite of `query`; the query itself when the model answers with nothing.
    public func rewrite(_ query: String) async throws -> String {
        let completion = try await model.complete(messages(for: query), options: options)
        let text = completion.content.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? query : text
    }

    /// The rewrites of `queries`, in order, at most `maxConcurrentCalls` at a time.
    public func rewrite(_ queries: [String], progress: any ProgressReporter = SilentProgress()) async throws -> [String] {
        let task = "rewriting queries (LLM)"
        return try await boundedMap(queries, limit: maxConcurrentCalls, progress: progress, task: task, unit: "queries") {
            try await rewrite($0)
        }
    }
}
