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
    /// Constrains the answer to JSON (`response_format`); nil lets the model write anything.
    public var responseFormat: ResponseFormat?

    public init(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil,
                stop: [String] = [], model: String? = nil, responseFormat: ResponseFormat? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
        self.model = model
        self.responseFormat = responseFormat
    }
}

/// OpenAI's `response_format`: any JSON object, or one that follows a schema. llama.cpp and vLLM
/// turn the schema into a grammar, so even a small model answers in the expected shape.
public enum ResponseFormat: Sendable, Hashable, Encodable {
    case jsonObject
    case jsonSchema(name: String, schema: JSONSchema)

    private enum Keys: String, CodingKey { case type, json_schema }
    private enum SchemaKeys: String, CodingKey { case name, schema, strict }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .jsonObject:
            try container.encode("json_object", forKey: .type)
        case .jsonSchema(let name, let schema):
            try container.encode("json_schema", forKey: .type)
            var inner = container.nestedContainer(keyedBy: SchemaKeys.self, forKey: .json_schema)
            try inner.encode(name, forKey: .name)
            try inner.encode(schema, forKey: .schema)
            try inner.encode(true, forKey: .strict)
        }
    }
}

/// The part of JSON Schema that response formats need: objects of named fields, strings, arrays.
public indirect enum JSONSchema: Sendable, Hashable, Encodable {
    case string
    case array(of: JSONSchema)
    /// An object with these fields, all required, and no others.
    case object(fields: [(name: String, schema: JSONSchema)])

    public static func == (a: JSONSchema, b: JSONSchema) -> Bool {
        switch (a, b) {
        case (.string, .string): return true
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.schema == $1.schema }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string: hasher.combine(0)
        case .array(let item): hasher.combine(1); hasher.combine(item)
        case .object(let fields):
            hasher.combine(2)
            for field in fields { hasher.combine(field.name); hasher.combine(field.schema) }
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .string:
            try container.encode("string", forKey: Key("type"))
        case .array(let item):
            try container.encode("array", forKey: Key("type"))
            try container.encode(item, forKey: Key("items"))
        case .object(let fields):
            try container.encode("object", forKey: Key("type"))
            var properties = container.nestedContainer(keyedBy: Key.self, forKey: Key("properties"))
            for field in fields { try properties.encode(field.schema, forKey: Key(field.name)) }
            try container.encode(fields.map(\.name), forKey: Key("required"))
            try container.encode(false, forKey: Key("additionalProperties"))
        }
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
