import Foundation

/// Everything that can go wrong talking to a language model server. Each case names the URL
/// and what came back, so the message alone says what to fix.
public enum LLMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The base URL does not parse as an http(s) URL.
    case invalidBaseURL(String)
    /// A setting is missing: no base URL, no model.
    case missingSetting(name: String, hint: String)
    /// No connection could be made or it broke before the answer was whole (server down, reset).
    case connection(url: String, attempts: Int, reason: String)
    /// The server did not answer within the time allowed.
    case timeout(url: String, seconds: Double, attempts: Int)
    /// The server answered with a status other than 2xx.
    case httpStatus(url: String, status: Int, body: String, attempts: Int)
    /// The answer is not the JSON the API promises (or lacks a field it must have).
    case malformedResponse(url: String, reason: String, body: String)
    /// The server reported an error inside a 200 answer or a stream.
    case serverError(url: String, message: String)
    /// A streamed answer ended before the server said it was done.
    case streamInterrupted(url: String, receivedCharacters: Int, reason: String)
    /// The response cache could not be written.
    case cache(path: String, reason: String)

    /// Whether asking again may succeed: connection errors, timeouts, 429 and 5xx.
    public var isRetryable: Bool {
        switch self {
        case .connection, .timeout: return true
        case .httpStatus(_, let status, _, _): return status == 429 || status == 408 || (500...599).contains(status)
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidBaseURL(let url):
            return "invalid LLM base URL '\(url)': expected http://host:port or http://host:port/v1"
        case .missingSetting(let name, let hint):
            return "no \(name) given: \(hint)"
        case .connection(let url, let attempts, let reason):
            return "POST \(url): cannot reach the server (\(reason))\(Self.after(attempts)); is it running?"
        case .timeout(let url, let seconds, let attempts):
            return "POST \(url): no answer within \(Self.format(seconds))s\(Self.after(attempts))"
        case .httpStatus(let url, let status, let body, let attempts):
            return "POST \(url): HTTP \(status)\(Self.after(attempts))" + (body.isEmpty ? "" : ": \(body)")
        case .malformedResponse(let url, let reason, let body):
            return "POST \(url): malformed response (\(reason))" + (body.isEmpty ? "" : ": \(body)")
        case .serverError(let url, let message):
            return "POST \(url): the server reported an error: \(message)"
        case .streamInterrupted(let url, let received, let reason):
            return "POST \(url): the stream broke off after \(received) characters (\(reason))"
        case .cache(let path, let reason):
            return "response cache \(path): \(reason)"
        }
    }

    private static func after(_ attempts: Int) -> String {
        attempts > 1 ? " after \(attempts) attempts" : ""
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// The first `limit` characters of a body, on one line, for error messages.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 300) -> String {
        let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
        var line = String(text.map { $0.isNewline ? " " : $0 }.prefix(limit))
        if text.count > limit || bytes.count > limit * 4 { line += "…" }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
