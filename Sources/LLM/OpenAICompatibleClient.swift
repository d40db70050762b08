import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A client of any server that speaks OpenAI's API (`/v1/chat/completions`, whole or streamed
/// as server-sent events, `/v1/completions` for raw text, and `/v1/embeddings`): llama.cpp's
/// server, vLLM, OpenAI itself.
///
/// - Retries connection errors, timeouts, HTTP 408, 429 and 5xx with exponential backoff
///   (`configuration.retry`), honouring `Retry-After`.
/// - Sends at most `configuration.maxConcurrentRequests` requests at once.
/// - Keeps every answer in a `ResponseCache` when `configuration.cacheDirectory` is set, keyed
///   by the model (`configuration.model`, else the first model the server's `/v1/models` lists,
///   else its host and port), the request's path and its body; a streamed call and a whole call
///   with the same request share one entry. Only whole, decoded answers are stored.
/// - Counts calls, cache hits, requests, retries and time (`statistics`).
public final class OpenAICompatibleClient: ChatModel, TextCompletionModel, RemoteEmbedder, Sendable {
    public let configuration: LLMClientConfiguration
    public let cache: ResponseCache?
    private let http: HTTPClient
    private let limiter: AsyncSemaphore
    private let counters = NIOLockedValueBox(LLMStatistics())
    /// The served model's identity for cache keys, asked of the server once.
    private let servedModel = NIOLockedValueBox<Task<String, Never>?>(nil)

    public init(configuration: LLMClientConfiguration) {
        self.configuration = configuration
        self.cache = configuration.cacheDirectory.map { ResponseCache(directory: $0) }
        self.limiter = AsyncSemaphore(limit: configuration.maxConcurrentRequests)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, configuration.maxConcurrentRequests))
        // A refused connection fails the request at once; our retry policy decides what next.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// A client configured from arguments, else `OPENAI_BASE_URL`, `REASONIR_LLM_MODEL`, `OPENAI_API_KEY`.
    public convenience init(baseURL: String? = nil, model: String? = nil, apiKey: String? = nil,
                            cacheDirectory: URL? = nil) throws {
        self.init(configuration: try .fromEnvironment(baseURL: baseURL, model: model, apiKey: apiKey,
                                                      cacheDirectory: cacheDirectory))
    }

    deinit {
        // HTTPClient must be shut down before it goes; the callback keeps it alive until then.
        http.shutdown { _ in }
    }

    /// Closes the connections now rather than when the client goes away.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// What the client has done so far.
    public var statistics: LLMStatistics {
        counters.withLockedValue { $0 }
    }

    // MARK: Chat

    public func complete(_ messages: [ChatMessage], options: ChatOptions = ChatOptions()) async throws -> ChatCompletion {
        try await call("chat/completions", OpenAIWire.GenerationRequest(model: configuration.model, messages: messages,
                                                                         options: options, stream: false),
                       decode: { try Self.decodeCompletion($0, url: $1) }, usage: \.usage, fromCache: { $0.fromCache = true })
    }

    public func streamCompletion(_ messages: [ChatMessage], options: ChatOptions = ChatOptions())
        -> AsyncThrowingStream<String, any Error>
    {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.stream(messages, options: options) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func stream(_ messages: [ChatMessage], options: ChatOptions,
                        yield: @Sendable (String) -> Void) async throws {
        let start = ContinuousClock.now
        var timing = Timing()
        let url = configuration.endpoint("chat/completions")
        do {
            // The cache key is the whole request's, so whole and streamed calls share entries.
            let key = cache == nil ? "" : await cacheKey(url: url, body: try Self.encode(
                OpenAIWire.GenerationRequest(model: configuration.model, messages: messages, options: options, stream: false)))
            if let cache, let data = cache.read(key: key), let completion = try? Self.decodeCompletion(data, url: url) {
                yield(completion.content)
                record(start: start, timing: timing, cacheHit: true, usage: nil)
                return
            }
            let body = try Self.encode(OpenAIWire.GenerationRequest(model: configuration.model, messages: messages,
                                                              options: options, stream: true))
            let result = try await sendStreaming(url: url, body: body, timing: &timing, yield: yield)
            let response = OpenAIWire.ChatResponse(
                id: nil, object: "chat.completion", model: result.model,
                choices: [.init(index: 0, message: .init(role: "assistant", content: result.content),
                                finish_reason: result.finishReason)],
                usage: result.usage)
            try cache?.write(key: key, path: url.path, response: try Self.encode(response))
            record(start: start, timing: timing, cacheHit: false,
                   usage: result.usage.map { TokenUsage(promptTokens: $0.prompt_tokens ?? 0, completionTokens: $0.completion_tokens ?? 0) })
        } catch {
            record(start: start, timing: timing, failed: true)
            throw error
        }
    }

    // MARK: Embeddings

    /// One vector per text, from `/v1/embeddings`, in the order of `texts`.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        try await embedNamingModel(texts).vectors
    }

    /// `embed(texts)` with the model the answer names (its `model` field; nil when it has none).
    public func embedNamingModel(_ texts: [String]) async throws -> (vectors: [[Float]], model: String?) {
        try await call("embeddings", OpenAIWire.EmbeddingRequest(model: configuration.model, input: texts),
                       decode: { try Self.decodeEmbeddings($0, count: texts.count, url: $1) }, usage: { _ in nil })
    }

    // MARK: Text completion

    /// The continuation of `prompt` from `/v1/completions`: the text goes to the model as it is,
    /// without the chat template (`ChatOptions.responseFormat` is passed on; llama.cpp and vLLM
    /// honour it there too). Retried, bounded and cached as chat calls are; the cache key is the
    /// path and the whole body, so a chat and a text call never share an entry.
    public func complete(prompt: String, options: ChatOptions = ChatOptions()) async throws -> ChatCompletion {
        try await call("completions", OpenAIWire.GenerationRequest(model: configuration.model, prompt: prompt,
                                                                    options: options, stream: false),
                       decode: { try Self.decodeCompletion($0, url: $1, text: true) }, usage: \.usage,
                       fromCache: { $0.fromCache = true })
    }

    // MARK: Sending

    /// One whole call: the cached answer when there is one, else `request` posted to `endpoint`
    /// (retried, bounded). An answer is stored only after it decoded, so a broken one never is.
    private func call<Answer>(_ endpoint: String, _ request: some Encodable,
                              decode: (Data, URL) throws -> Answer, usage: (Answer) -> TokenUsage?,
                              fromCache: (inout Answer) -> Void = { _ in }) async throws -> Answer {
        let start = ContinuousClock.now
        var timing = Timing()
        let url = configuration.endpoint(endpoint)
        do {
            let body = try Self.encode(request)
            let key = cache == nil ? "" : await cacheKey(url: url, body: body)
            if let cache, let data = cache.read(key: key), var answer = try? decode(data, url) {
                fromCache(&answer)
                record(start: start, timing: timing, cacheHit: true, usage: nil)
                return answer
            }
            let data = try await send(url: url, body: body, timing: &timing)
            let answer = try decode(data, url)
            try cache?.write(key: key, path: url.path, response: data)
            record(start: start, timing: timing, cacheHit: false, usage: usage(answer))
            return answer
        } catch {
            record(start: start, timing: timing, failed: true)
            throw error
        }
    }

    /// Where one call's time went, besides the client's own work.
    struct Timing {
        var server: Duration = .zero
        var queue: Duration = .zero
        var backoff: Duration = .zero
        var requests = 0
        var retries = 0
    }

    /// The cache key of a request to `url`: the model's identity with the path and body.
    private func cacheKey(url: URL, body: Data) async -> String {
        ResponseCache.key(model: await modelIdentity(), path: url.path, body: body)
    }

    /// `configuration.model` when set; else the id of the first model `GET /v1/models` lists, so
    /// that a restarted server on another port still finds its answers and another model's never
    /// does; else (no such route) `host:port` of the server.
    public func modelIdentity() async -> String {
        if let model = configuration.model { return model }
        let task = servedModel.withLockedValue { current -> Task<String, Never> in
            if let current { return current }
            let started = Task { await self.askServedModel() }
            current = started
            return started
        }
        return await task.value
    }

    private func askServedModel() async -> String {
        let url = configuration.endpoint("models")
        let fallback = "\(url.host ?? ""):\(url.port.map(String.init) ?? "")"
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        guard let response = try? await http.execute(request, deadline: .now() + .seconds(30)),
              (200..<300).contains(Int(response.status.code)),
              let buffer = try? await response.body.collect(upTo: 1 << 20),
              let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
              let models = object["data"] as? [[String: Any]], let id = models.first?["id"] as? String, !id.isEmpty
        else { return fallback }
        return id
    }

    private func request(url: URL, body: Data, streaming: Bool) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: streaming ? "text/event-stream" : "application/json")
        if let apiKey = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// Waits for a request slot, then posts `body` until it succeeds or fails for good; returns the 2xx body.
    private func send(url: URL, body: Data, timing: inout Timing) async throws -> Data {
        let queued = ContinuousClock.now
        await limiter.acquire()
        timing.queue += ContinuousClock.now - queued
        do {
            try Task.checkCancellation()  // cancelled while waiting for a slot: send nothing
            let data = try await withRetries(url: url, timing: &timing) { timing in
                let request = self.request(url: url, body: body, streaming: false)
                let sent = ContinuousClock.now
                defer { timing.server += ContinuousClock.now - sent }
                let response = try await self.http.execute(request, deadline: .now() + TimeAmount(self.configuration.requestTimeout))
                let buffer = try await response.body.collect(upTo: 1 << 30)
                let bytes = Data(buffer.readableBytesView)
                guard (200..<300).contains(Int(response.status.code)) else {
                    throw Failure(error: .httpStatus(url: url.absoluteString, status: Int(response.status.code),
                                                     body: LLMError.excerpt(bytes), attempts: 1),
                                  retryAfter: Self.retryAfter(response.headers))
                }
                return bytes
            }
            await limiter.release()
            return data
        } catch {
            await limiter.release()
            throw error
        }
    }

    struct StreamResult {
        var content = ""
        var finishReason: String?
        var model: String?
        var usage: OpenAIWire.Usage?
    }

    /// Posts a streaming request and hands each piece of content to `yield`. Retries only while
    /// nothing has been handed on; a stream that breaks off later throws `streamInterrupted`.
    private func sendStreaming(url: URL, body: Data, timing: inout Timing,
                               yield: @Sendable (String) -> Void) async throws -> StreamResult {
        let queued = ContinuousClock.now
        await limiter.acquire()
        timing.queue += ContinuousClock.now - queued
        do {
            try Task.checkCancellation()
            let result = try await withRetries(url: url, timing: &timing) { timing in
                var result = StreamResult()
                var parser = ServerSentEventParser()
                var done = false
                let sent = ContinuousClock.now
                var ownWork = Duration.zero
                defer { timing.server += ContinuousClock.now - sent - ownWork }
                let response = try await self.http.execute(self.request(url: url, body: body, streaming: true),
                                                           deadline: .now() + TimeAmount(self.configuration.requestTimeout))
                guard (200..<300).contains(Int(response.status.code)) else {
                    let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
                    throw Failure(error: .httpStatus(url: url.absoluteString, status: Int(response.status.code),
                                                     body: LLMError.excerpt(bytes), attempts: 1),
                                  retryAfter: Self.retryAfter(response.headers))
                }
                func handle(_ event: String) throws {
                    if event.trimmingCharacters(in: .whitespaces) == "[DONE]" {
                        done = true
                        return
                    }
                    let chunk: OpenAIWire.StreamChunk
                    do {
                        chunk = try JSONDecoder().decode(OpenAIWire.StreamChunk.self, from: Data(event.utf8))
                    } catch {
                        throw LLMError.malformedResponse(url: url.absoluteString, reason: "a stream event is not a chat chunk",
                                                         body: LLMError.excerpt(Array(event.utf8)))
                    }
                    if let error = chunk.error {
                        throw LLMError.serverError(url: url.absoluteString, message: error.message)
                    }
                    if let model = chunk.model { result.model = model }
                    if let usage = chunk.usage { result.usage = usage }
                    for choice in chunk.choices ?? [] {
                        if let piece = choice.delta?.content, !piece.isEmpty {
                            result.content += piece
                            yield(piece)
                        }
                        if let reason = choice.finish_reason { result.finishReason = reason }
                    }
                }
                do {
                    for try await buffer in response.body {
                        let began = ContinuousClock.now
                        for event in parser.feed(buffer.readableBytesView) where !done { try handle(event) }
                        ownWork += ContinuousClock.now - began
                    }
                    if let event = parser.finish(), !done { try handle(event) }
                } catch let error as LLMError {
                    throw error
                } catch {
                    if error is CancellationError || Task.isCancelled { throw CancellationError() }
                    let failure = self.classify(error, url: url)
                    if result.content.isEmpty { throw Failure(error: failure, retryAfter: nil) }
                    throw LLMError.streamInterrupted(url: url.absoluteString, receivedCharacters: result.content.count,
                                                     reason: failure.description)
                }
                if !done && result.finishReason == nil {
                    throw LLMError.streamInterrupted(url: url.absoluteString, receivedCharacters: result.content.count,
                                                     reason: "the connection closed before the server sent [DONE]")
                }
                return result
            }
            await limiter.release()
            return result
        } catch {
            await limiter.release()
            throw error
        }
    }

    /// A failed attempt, with the server's `Retry-After` when it sent one.
    struct Failure: Error {
        var error: LLMError
        var retryAfter: Duration?
    }

    /// Runs `attempt` until it succeeds, fails with an error that is not worth retrying, or
    /// `configuration.retry.maxAttempts` are spent; waits with exponential backoff in between.
    private func withRetries<T>(url: URL, timing: inout Timing,
                                _ attempt: (inout Timing) async throws -> T) async throws -> T {
        let policy = configuration.retry
        var attempts = 0
        while true {
            attempts += 1
            timing.requests += 1
            let failure: Failure
            do {
                return try await attempt(&timing)
            } catch let error as Failure {
                failure = error
            } catch let error as LLMError {
                throw error
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                failure = Failure(error: classify(error, url: url), retryAfter: nil)
            }
            guard failure.error.isRetryable, attempts < policy.maxAttempts else {
                throw failure.error.withAttempts(attempts)
            }
            let wait = policy.delay(afterAttempt: attempts, retryAfter: failure.retryAfter)
            timing.retries += 1
            let began = ContinuousClock.now
            try await Task.sleep(for: wait)
            timing.backoff += ContinuousClock.now - began
        }
    }

    /// Names a transport error: a timeout, or a connection that could not be made or broke.
    private func classify(_ error: any Error, url: URL) -> LLMError {
        let address = url.absoluteString
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout {
                return .timeout(url: address, seconds: RetryPolicy.seconds(configuration.requestTimeout), attempts: 1)
            }
            if error == .connectTimeout { return .connection(url: address, attempts: 1, reason: "connect timed out") }
            if error == .remoteConnectionClosed {
                return .connection(url: address, attempts: 1, reason: "the server closed the connection")
            }
        }
        return .connection(url: address, attempts: 1, reason: String(describing: error))
    }

    private static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After"), let seconds = Double(value.trimmingCharacters(in: .whitespaces)),
              seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    private func record(start: ContinuousClock.Instant, timing: Timing, cacheHit: Bool = false, usage: TokenUsage? = nil,
                        failed: Bool = false) {
        let total = ContinuousClock.now - start
        let own = total - timing.server - timing.queue - timing.backoff
        counters.withLockedValue { stats in
            if failed { stats.failures += 1 } else { stats.calls += 1 }
            if cacheHit { stats.cacheHits += 1 }
            stats.requests += timing.requests
            stats.retries += timing.retries
            stats.promptTokens += usage?.promptTokens ?? 0
            stats.completionTokens += usage?.completionTokens ?? 0
            stats.serverSeconds += RetryPolicy.seconds(timing.server)
            stats.queueSeconds += RetryPolicy.seconds(timing.queue)
            stats.backoffSeconds += RetryPolicy.seconds(timing.backoff)
            stats.clientSeconds += max(0, RetryPolicy.seconds(own))
        }
    }

    // MARK: JSON

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// A chat completion's answer, or with `text` a text completion's (`choices[0].text`).
    static func decodeCompletion(_ data: Data, url: URL, text: Bool = false) throws -> ChatCompletion {
        let address = url.absoluteString
        let kind = text ? "text completion" : "chat completion"
        let response: OpenAIWire.ChatResponse
        do {
            response = try JSONDecoder().decode(OpenAIWire.ChatResponse.self, from: data)
        } catch {
            throw LLMError.malformedResponse(url: address, reason: "not a \(kind): \(Self.reason(error))",
                                             body: LLMError.excerpt(data))
        }
        guard let choice = response.choices?.first else {
            if let envelope = try? JSONDecoder().decode(OpenAIWire.ErrorEnvelope.self, from: data), let error = envelope.error {
                throw LLMError.serverError(url: address, message: error.message)
            }
            throw LLMError.malformedResponse(url: address, reason: "no choices", body: LLMError.excerpt(data))
        }
        let content: String
        if text {
            guard let generated = choice.text else {
                throw LLMError.malformedResponse(url: address, reason: "the choice has no text", body: LLMError.excerpt(data))
            }
            content = generated
        } else {
            guard let message = choice.message else {
                throw LLMError.malformedResponse(url: address, reason: "the choice has no message", body: LLMError.excerpt(data))
            }
            content = message.content ?? ""
        }
        return ChatCompletion(
            content: content, finishReason: choice.finish_reason, model: response.model,
            usage: response.usage.map { TokenUsage(promptTokens: $0.prompt_tokens ?? 0, completionTokens: $0.completion_tokens ?? 0) })
    }

    static func decodeEmbeddings(_ data: Data, count: Int, url: URL) throws -> (vectors: [[Float]], model: String?) {
        let address = url.absoluteString
        let response: OpenAIWire.EmbeddingResponse
        do {
            response = try JSONDecoder().decode(OpenAIWire.EmbeddingResponse.self, from: data)
        } catch {
            if let envelope = try? JSONDecoder().decode(OpenAIWire.ErrorEnvelope.self, from: data), let error = envelope.error {
                throw LLMError.serverError(url: address, message: error.message)
            }
            throw LLMError.malformedResponse(url: address, reason: "not an embedding list: \(Self.reason(error))",
                                             body: LLMError.excerpt(data))
        }
        guard response.data.count == count else {
            throw LLMError.malformedResponse(url: address, reason: "\(response.data.count) embeddings for \(count) texts",
                                             body: "")
        }
        let items = response.data.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
        return (items.map(\.element.embedding), response.model.flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "no field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

extension LLMError {
    /// The same error, saying how many attempts were made.
    func withAttempts(_ attempts: Int) -> LLMError {
        switch self {
        case .connection(let url, _, let reason): return .connection(url: url, attempts: attempts, reason: reason)
        case .timeout(let url, let seconds, _): return .timeout(url: url, seconds: seconds, attempts: attempts)
        case .httpStatus(let url, let status, let body, _): return .httpStatus(url: url, status: status, body: body, attempts: attempts)
        default: return self
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
