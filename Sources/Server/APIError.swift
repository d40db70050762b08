import Hummingbird

/// The error body a family of routes answers with, as the API it copies writes it.
public enum ErrorStyle: Sendable {
    /// OpenAI: `{"error": {"message", "type", "param", "code"}}` (also our own routes).
    case openAI
    /// text-embeddings-inference: `{"error", "error_type"}`.
    case tei
    /// Cohere: `{"message"}`.
    case cohere

    /// The style of the route at `path`.
    static func forPath(_ path: String) -> ErrorStyle {
        switch path {
        case "/embed", "/rerank": return .tei
        case "/v1/rerank": return .cohere
        default: return .openAI
        }
    }
}

/// A request that cannot be served, with the status and message the client gets.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in terms each API names differently.
    public enum Kind: Sendable {
        case invalidRequest, unauthorized, notFound, conflict, tooLarge, unprocessable, overloaded, timeout, unavailable, server
    }

    public var kind: Kind
    public var message: String
    /// The request field at fault, when there is one (OpenAI's `param`).
    public var parameter: String?
    /// Seconds, for `Retry-After` on 429 and 503.
    public var retryAfter: Int?

    public init(_ kind: Kind, _ message: String, parameter: String? = nil, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.parameter = parameter
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    public var status: HTTPResponse.Status {
        switch kind {
        case .invalidRequest: return .badRequest
        case .unauthorized: return .unauthorized
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .tooLarge: return .contentTooLarge
        case .unprocessable: return .unprocessableContent
        case .overloaded: return .tooManyRequests
        case .timeout: return .gatewayTimeout
        case .unavailable: return .serviceUnavailable
        case .server: return .internalServerError
        }
    }

    /// OpenAI's `type`.
    var openAIType: String {
        switch kind {
        case .invalidRequest, .tooLarge, .unprocessable, .conflict: return "invalid_request_error"
        case .unauthorized: return "authentication_error"
        case .notFound: return "not_found_error"
        case .overloaded: return "rate_limit_error"
        case .timeout, .unavailable, .server: return "server_error"
        }
    }

    /// TEI's `error_type`.
    var teiType: String {
        switch kind {
        case .invalidRequest, .tooLarge, .unprocessable, .notFound, .conflict: return "Validation"
        case .unauthorized: return "Unauthorized"
        case .overloaded: return "Overloaded"
        case .timeout, .unavailable: return "Unhealthy"
        case .server: return "Backend"
        }
    }

    /// The error as a response in `style`.
    public func response(style: ErrorStyle) -> Response {
        let body: JSONOut
        switch style {
        case .openAI:
            body = .object([("error", .object([
                ("message", .string(message)), ("type", .string(openAIType)),
                ("param", parameter.map(JSONOut.string) ?? .null), ("code", .int(Int(status.code))),
            ]))])
        case .tei:
            body = .object([("error", .string(message)), ("error_type", .string(teiType))])
        case .cohere:
            body = .object([("message", .string(message))])
        }
        var response = Response.json(body, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if kind == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

extension Response {
    /// `value` as an `application/json` response.
    static func json(_ value: JSONOut, status: HTTPResponse.Status = .ok) -> Response {
        var text = value.text
        text += "\n"
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
