import Foundation

/// How many times to ask, and how long to wait in between, when a request fails in a way that
/// may pass (connection errors, timeouts, HTTP 408, 429 and 5xx).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 means no retry.
    public var maxAttempts: Int
    /// The wait before the second attempt; each later wait is `multiplier` times longer.
    public var initialDelay: Duration
    public var multiplier: Double
    public var maxDelay: Duration
    /// Waits a random 50–100% of each delay, so that parallel clients do not retry in step.
    public var jitter: Bool

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(500), multiplier: Double = 2,
                maxDelay: Duration = .seconds(30), jitter: Bool = true) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait after failed attempt `attempt` (1-based). A server's `Retry-After` wins when it
    /// asks for longer, up to `maxDelay`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        let seconds = Self.seconds(initialDelay) * pow(multiplier, Double(max(0, attempt - 1)))
        var wait = min(seconds, Self.seconds(maxDelay))
        if jitter { wait *= Double.random(in: 0.5...1) }
        if let retryAfter { wait = max(wait, min(Self.seconds(retryAfter), Self.seconds(maxDelay))) }
        return .milliseconds(Int64((wait * 1000).rounded()))
    }

    /// Seconds to the microsecond (so that 300 ms reads as 0.3).
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1e6 + Double(attoseconds / 1_000_000_000_000)) / 1e6
    }
}

/// Where the server is and how to talk to it.
public struct LLMClientConfiguration: Sendable {
    /// The API's base URL, ending in `/v1` (`http://127.0.0.1:8080/v1`).
    public var baseURL: URL
    /// The `model` field of every request; nil leaves it out (llama.cpp serves its one model).
    public var model: String?
    /// Sent as `Authorization: Bearer <key>` when set.
    public var apiKey: String?
    public var connectTimeout: Duration
    /// The longest a whole request may take, the answer's last byte included (a streamed one too).
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    /// Requests in flight at once; more wait their turn. Answers from the cache do not count.
    public var maxConcurrentRequests: Int
    /// Where answers are kept; nil keeps none.
    public var cacheDirectory: URL?

    /// - Parameter baseURL: `http://host:port` or `http://host:port/v1` (`/v1` is added when the
    ///   URL has no path).
    public init(baseURL: String, model: String? = nil, apiKey: String? = nil,
                connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(600),
                retry: RetryPolicy = RetryPolicy(),
                maxConcurrentRequests: Int = 8, cacheDirectory: URL? = nil) throws {
        self.baseURL = try Self.normalize(baseURL)
        self.model = model.flatMap { $0.isEmpty ? nil : $0 }
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.cacheDirectory = cacheDirectory
    }

    /// Settings from arguments where given, else from the environment: `OPENAI_BASE_URL`,
    /// `REASONIR_LLM_MODEL`, `OPENAI_API_KEY`.
    public static func fromEnvironment(baseURL: String? = nil, model: String? = nil, apiKey: String? = nil,
                                       environment: [String: String] = ProcessInfo.processInfo.environment,
                                       cacheDirectory: URL? = nil) throws -> LLMClientConfiguration {
        func setting(_ value: String?, _ name: String) -> String? {
            if let value, !value.isEmpty { return value }
            if let value = environment[name], !value.isEmpty { return value }
            return nil
        }
        guard let url = setting(baseURL, "OPENAI_BASE_URL") else {
            throw LLMError.missingSetting(name: "LLM base URL",
                                          hint: "pass --llm-url http://127.0.0.1:8080/v1 or set OPENAI_BASE_URL")
        }
        return try LLMClientConfiguration(baseURL: url, model: setting(model, "REASONIR_LLM_MODEL"),
                                          apiKey: setting(apiKey, "OPENAI_API_KEY"), cacheDirectory: cacheDirectory)
    }

    static func normalize(_ text: String) throws -> URL {
        var text = text.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw LLMError.invalidBaseURL(text) }
        if components.path.isEmpty { text += "/v1" }
        guard let url = URL(string: text) else { throw LLMError.invalidBaseURL(text) }
        return url
    }

    /// The full URL of an endpoint (`chat/completions`, `completions`, `embeddings`).
    func endpoint(_ name: String) -> URL {
        baseURL.appendingPathComponent(name)
    }
}

/// What a client has done so far: calls, cache hits, HTTP requests, retries, and where the time
/// went. `serverSeconds` is time spent waiting on the server (from sending a request to its last
/// byte), `clientSeconds` the client's own work (encoding, hashing, the cache, decoding);
/// waiting for a request slot and backing off between retries count in neither.
public struct LLMStatistics: Sendable, Hashable {
    /// Calls of `complete` (chat or text), `streamCompletion` and `embed` that finished, from the cache or not.
    public var calls = 0
    public var cacheHits = 0
    /// HTTP requests sent, retries included.
    public var requests = 0
    public var retries = 0
    public var failures = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public var serverSeconds = 0.0
    public var clientSeconds = 0.0
    public var queueSeconds = 0.0
    public var backoffSeconds = 0.0

    public init() {}

    /// One line for logs: `LLM: 120 calls (20 cached), 101 requests, 1 retry, 0 failed; server 50.1s, client 0.08s`.
    public var summary: String {
        String(format: "%d calls (%d cached), %d requests, %d retries, %d failed; %d prompt + %d completion tokens; "
               + "server %.2fs, client %.3fs", calls, cacheHits, requests, retries, failures, promptTokens,
               completionTokens, serverSeconds, clientSeconds)
    }
}
