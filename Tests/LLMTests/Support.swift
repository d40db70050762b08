import Foundation
import TestSupport
import Testing
@testable import LLM

enum TestSupport {
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-llm-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A retry policy with short waits, so that fault tests run in milliseconds.
    static let fastRetry = RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(5), multiplier: 2,
                                       maxDelay: .milliseconds(50), jitter: false)

    static func client(_ server: FakeOpenAIServer, retry: RetryPolicy = fastRetry, cache: URL? = nil,
                       concurrency: Int = 8, requestTimeout: Duration = .seconds(10), model: String? = "fake-model",
                       apiKey: String? = nil) throws -> OpenAICompatibleClient {
        try client(baseURL: server.baseURL, retry: retry, cache: cache, concurrency: concurrency,
                   requestTimeout: requestTimeout, model: model, apiKey: apiKey)
    }

    static func client(baseURL: String, retry: RetryPolicy = fastRetry, cache: URL? = nil, concurrency: Int = 8,
                       requestTimeout: Duration = .seconds(10), model: String? = "fake-model",
                       apiKey: String? = nil) throws -> OpenAICompatibleClient {
        OpenAICompatibleClient(configuration: try LLMClientConfiguration(
            baseURL: baseURL, model: model, apiKey: apiKey, connectTimeout: .seconds(2), requestTimeout: requestTimeout,
            retry: retry, maxConcurrentRequests: concurrency, cacheDirectory: cache))
    }

    /// The URL of a running llama.cpp server (scripts/llm-server.sh sets it), or nil.
    static let realServerURL: String? = {
        let value = ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()
}

let realServerMissing = "REASONIR_LLM_URL is not set: start the llama.cpp server with `scripts/llm-server.sh start` "
    + "and export the URL it prints (scripts/test.sh does both)"

/// The two ways the client asks for a completion, so that one fault test covers both endpoints.
enum CompletionEndpoint: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case chat = "chat/completions"
    case text = "completions"

    var testDescription: String { rawValue }
    var path: String { "/v1/" + rawValue }
    /// What the client names the answer in its errors.
    var answerName: String { self == .chat ? "chat completion" : "text completion" }

    func ask(_ client: OpenAICompatibleClient, _ prompt: String, options: ChatOptions = ChatOptions()) async throws -> ChatCompletion {
        switch self {
        case .chat: return try await client.complete([.user(prompt)], options: options)
        case .text: return try await client.complete(prompt: prompt, options: options)
        }
    }

    /// The server's answer with `content`, in this endpoint's shape.
    func reply(_ content: String) -> FakeReply {
        self == .chat ? .chat(content) : .text(content)
    }

    /// The prompt a request carries: the last message's content, or the raw prompt.
    static func prompt(of request: RecordedRequest) -> String {
        let json = request.json
        return (json["messages"] as? [[String: String]])?.last?["content"] ?? json["prompt"] as? String ?? ""
    }
}
