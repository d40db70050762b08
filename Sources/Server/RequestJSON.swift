import Foundation
import Hummingbird
import JSON
import NIOCore

/// A request's JSON body with accessors that name the field at fault: a wrong type, a missing
/// field or an out-of-range value throws an `APIError` saying which.
struct RequestJSON: Sendable {
    let value: JSONValue
    /// Where this value sits in the body (`input[2]`), for messages.
    let path: String

    init(value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    /// Collects at most `limit` bytes of the body (413 past that) and parses it as a JSON object
    /// (400 with the line and column of malformed JSON or invalid UTF-8).
    static func read(_ request: Request, limit: Int) async throws -> RequestJSON {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.tooLarge, "the request body is \(length) bytes, more than the limit of \(limit)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.tooLarge, "the request body is more than the limit of \(limit) bytes")
        }
        let bytes = buffer.readableBytesView
        if bytes.isEmpty { throw APIError(.invalidRequest, "the request body is empty: send a JSON object") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError(.invalidRequest, "the request body is not valid JSON: \(error)")
        }
        guard case .object = value else { throw APIError(.invalidRequest, "the request body must be a JSON object") }
        return RequestJSON(value: value, path: "")
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`, nil when absent or null.
    subscript(key: String) -> RequestJSON? {
        guard let member = value[key] else { return nil }
        if case .null = member { return nil }
        return RequestJSON(value: member, path: name(key))
    }

    func required(_ key: String) throws -> RequestJSON {
        guard let member = self[key] else { throw APIError(.unprocessable, "missing field `\(name(key))`", parameter: name(key)) }
        return member
    }

    func wrongType(_ expected: String) -> APIError {
        APIError(.unprocessable, "`\(path)` must be \(expected), not \(value.kind)", parameter: path)
    }

    var string: String? { if case .string(let text) = value { return text } else { return nil } }
    var array: [RequestJSON]? {
        guard case .array(let values) = value else { return nil }
        return values.enumerated().map { RequestJSON(value: $1, path: "\(path)[\($0)]") }
    }

    func asString() throws -> String {
        guard let string else { throw wrongType("a string") }
        return string
    }

    func asBool() throws -> Bool {
        guard case .bool(let flag) = value else { throw wrongType("a boolean") }
        return flag
    }

    func asInt(min: Int? = nil, max: Int? = nil) throws -> Int {
        guard case .number(let number) = value, let int = number.int else { throw wrongType("an integer") }
        if let min, int < min { throw APIError(.unprocessable, "`\(path)` must be at least \(min), not \(int)", parameter: path) }
        if let max, int > max { throw APIError(.unprocessable, "`\(path)` must be at most \(max), not \(int)", parameter: path) }
        return int
    }

    func asDouble() throws -> Double {
        guard case .number(let number) = value else { throw wrongType("a number") }
        return number.double
    }

    func asArray() throws -> [RequestJSON] {
        guard let array else { throw wrongType("an array") }
        return array
    }

    func asStrings() throws -> [String] { try asArray().map { try $0.asString() } }

    // Optional members, typed.
    func string(_ key: String) throws -> String? { try self[key]?.asString() }
    func bool(_ key: String) throws -> Bool? { try self[key]?.asBool() }
    func int(_ key: String, min: Int? = nil, max: Int? = nil) throws -> Int? { try self[key]?.asInt(min: min, max: max) }
    func double(_ key: String) throws -> Double? { try self[key]?.asDouble() }
}
