import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request the fake server received.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [String: String]
    public var body: Data

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }
}

/// What the fake server does with one request.
public indirect enum FakeReply: Sendable {
    /// A whole answer.
    case json(status: Int, body: String, headers: [String: String])
    /// `reply`, after a pause.
    case delayed(milliseconds: Int, FakeReply)
    /// A `text/event-stream` of these `data` payloads, then `data: [DONE]`; with `cutAfter`, the
    /// connection closes after that many events instead, without `[DONE]`.
    case events([String], cutAfter: Int?)
    /// No answer at all, ever.
    case hang
    /// The connection closes without an answer.
    case close

    public static func ok(_ body: String) -> FakeReply { .json(status: 200, body: body, headers: [:]) }
    public static func status(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> FakeReply {
        .json(status: status, body: body, headers: headers)
    }

    /// A chat completion whose message is `content`.
    public static func chat(_ content: String, finishReason: String = "stop", promptTokens: Int = 7, completionTokens: Int = 3) -> FakeReply {
        answer(object: "chat.completion", choice: ["index": 0, "message": ["role": "assistant", "content": content],
                                                   "finish_reason": finishReason],
               promptTokens: promptTokens, completionTokens: completionTokens)
    }

    /// A text completion (`/v1/completions`) whose generated text is `text`.
    public static func text(_ text: String, finishReason: String = "stop", promptTokens: Int = 7, completionTokens: Int = 3) -> FakeReply {
        answer(object: "text_completion", choice: ["index": 0, "text": text, "finish_reason": finishReason],
               promptTokens: promptTokens, completionTokens: completionTokens)
    }

    private static func answer(object: String, choice: [String: Any], promptTokens: Int, completionTokens: Int) -> FakeReply {
        let payload: [String: Any] = [
            "id": "cmpl-fake", "object": object, "model": "fake-model", "choices": [choice],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens, "total_tokens": promptTokens + completionTokens],
        ]
        let data = try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        return .ok(String(decoding: data, as: UTF8.self))
    }

    /// A streamed chat completion: one chunk per piece, then a chunk with `finish_reason`.
    public static func chatStream(_ pieces: [String], cutAfter: Int? = nil, finishReason: String = "stop") -> FakeReply {
        func chunk(_ delta: [String: Any], _ finish: String?) -> String {
            var choice: [String: Any] = ["index": 0, "delta": delta]
            choice["finish_reason"] = finish ?? NSNull()
            let payload: [String: Any] = ["id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake-model",
                                          "choices": [choice]]
            return String(decoding: try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        }
        var events = [chunk(["role": "assistant"], nil)]
        events += pieces.map { chunk(["content": $0], nil) }
        events.append(chunk([:], finishReason))
        return .events(events, cutAfter: cutAfter)
    }
}

/// An OpenAI-compatible server on loopback that answers as a test scripts it, and records and
/// counts what it is asked. `reply` gets each request and its 0-based number.
public final class FakeOpenAIServer: Sendable {
    public let port: Int
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var requests: [RecordedRequest] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    private init(port: Int, channel: any Channel, state: NIOLockedValueBox<State>) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    public static func start(_ reply: @escaping @Sendable (RecordedRequest, Int) -> FakeReply) async throws -> FakeOpenAIServer {
        let state = NIOLockedValueBox(State())
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeHandler(state: state, reply: reply))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return FakeOpenAIServer(port: channel.localAddress!.port!, channel: channel, state: state)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    public var requests: [RecordedRequest] { state.withLockedValue { $0.requests } }
    public var requestCount: Int { state.withLockedValue { $0.requests.count } }
    public var maxInFlight: Int { state.withLockedValue { $0.maxInFlight } }

    public func stop() async throws {
        try await channel.close()
    }

    /// A port that nothing listens on: bound, then closed.
    public static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }
}

private final class FakeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: NIOLockedValueBox<FakeOpenAIServer.State>
    private let reply: @Sendable (RecordedRequest, Int) -> FakeReply
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(state: NIOLockedValueBox<FakeOpenAIServer.State>, reply: @escaping @Sendable (RecordedRequest, Int) -> FakeReply) {
        self.state = state
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let request = RecordedRequest(method: "\(head.method)", path: head.uri, headers: headers,
                                          body: Data(body.readableBytesView))
            let number = state.withLockedValue { state in
                state.requests.append(request)
                state.inFlight += 1
                state.maxInFlight = max(state.maxInFlight, state.inFlight)
                return state.requests.count - 1
            }
            respond(context: context, with: reply(request, number), keepAlive: head.isKeepAlive)
        }
    }

    private func finished() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    private func respond(context: ChannelHandlerContext, with reply: FakeReply, keepAlive: Bool) {
        switch reply {
        case .json(let status, let text, let extra):
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(text.utf8.count)")])
            for (name, value) in extra { headers.add(name: name, value: value) }
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status),
                                                                 headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            finished()
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
        case .delayed(let milliseconds, let inner):
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                self.respond(context: context, with: inner, keepAlive: keepAlive)
            }
        case .events(let events, let cutAfter):
            let headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                                       ("Transfer-Encoding", "chunked")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            for (index, event) in events.enumerated() {
                if let cutAfter, index == cutAfter { break }
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: \(event)\n\n")))), promise: nil)
            }
            finished()
            if cutAfter != nil {
                context.flush()
                context.close(promise: nil)
            } else {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: [DONE]\n\n")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        case .hang:
            break
        case .close:
            finished()
            context.close(promise: nil)
        }
    }
}
