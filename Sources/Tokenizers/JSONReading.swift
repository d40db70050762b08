import JSON

extension JSONParser {
    /// Parses a file's `bytes`, reporting failures as `TokenizerError` naming `path`. UTF-8 is
    /// checked first, so a bad byte is reported as such even after a syntax error.
    static func parse(_ bytes: [UInt8], path: String) throws(TokenizerError) -> JSONValue {
        if let bad = UTF8Validation.firstInvalidByte(in: bytes) {
            throw .fileNotUTF8(path: path, byteOffset: bad)
        }
        do {
            // Lone surrogates are errors, as in serde_json, which `tokenizers` reads with.
            return try parse(bytes, loneSurrogates: .reject)
        } catch {
            throw .malformedJSON(path: path, line: error.line, column: error.column, reason: error.reason)
        }
    }
}

extension JSONValue {
    /// An integer that fits in an `Int` (ids, lengths), or nil for anything else, `1.0` included.
    var int: Int? {
        guard case .number(let number) = self else { return nil }
        return number.int
    }

    /// A short name of the value's kind, for error messages.
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .number(let n): return n.int.map { "integer \($0)" } ?? "number \(n.double)"
        case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .array(let a): return "array of \(a.count)"
        case .object: return "object"
        }
    }
}
