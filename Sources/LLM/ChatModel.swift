/// One message of a chat: who speaks and what they say.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}

/// Sampling and length settings of one chat completion. `nil` leaves a setting to the server.
public struct ChatOptions: Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    /// The most tokens to generate (`max_tokens`).
    public var maxTokens: Int?
    public var seed: Int?
    /// Generation stops before any of these strings.
    public var stop: [String]
    /// The model to ask for, instead of the client's default.
    public var model: String?

    public init(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil,
                stop: [String] = [], model: String? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
        self.model = model
    }
}

/// Token counts the server reported for one completion.
public struct TokenUsage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// The answer to a chat: the assistant's text and how it ended.
public struct ChatCompletion: Sendable, Hashable {
    public var content: String
    /// `stop`, `length` (the token limit cut it), … as the server says; nil when it says nothing.
    public var finishReason: String?
    /// The model the server says answered.
    public var model: String?
    public var usage: TokenUsage?
    /// True when the answer came from the response cache, without asking the server.
    public var fromCache: Bool

    public init(content: String, finishReason: String? = nil, model: String? = nil, usage: TokenUsage? = nil,
                fromCache: Bool = false) {
        self.content = content
        self.finishReason = finishReason
        self.model = model
        self.usage = usage
        self.fromCache = fromCache
    }
}

/// Anything that answers chats: a remote OpenAI-compatible server, a local model, a test double.
public protocol ChatModel: Sendable {
    /// The whole answer to `messages`.
    func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion

    /// The answer to `messages` piece by piece, as the model generates it. The stream ends after
    /// the last piece, or throws when the answer breaks off.
    func streamCompletion(_ messages: [ChatMessage], options: ChatOptions) -> AsyncThrowingStream<String, any Error>
}

extension ChatModel {
    /// By default a stream of one piece: the whole answer.
    public func streamCompletion(_ messages: [ChatMessage], options: ChatOptions) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let completion = try await complete(messages, options: options)
                    continuation.yield(completion.content)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// `complete(messages, options:)` with the server's defaults.
    public func complete(_ messages: [ChatMessage]) async throws -> ChatCompletion {
        try await complete(messages, options: ChatOptions())
    }
}

/// Anything that turns texts into vectors over the network (`/v1/embeddings`). Independent of
/// the local `Embedder`s of module Models: one vector per text, in the order given.
public protocol RemoteEmbedder: Sendable {
    func embed(_ texts: [String]) async throws -> [[Float]]
}
