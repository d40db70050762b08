/// One JSON value, parsed without a schema so that a row's fields can be checked one by one
/// and a wrong type reported by name.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer, as its digits (Python's `str()` of it).
    case integer(String)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// How an error message names this kind of value.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSONL line decoded to an object, with typed accessors whose errors name the file, line and field.
struct JSONRow {
    let fields: [String: JSONValue]
    let path: String
    let line: Int

    /// Decodes one line; nil for a blank line.
    static func decode(_ line: LineReader.Line, path: String) throws(EvaluationError) -> JSONRow? {
        let text = try line.text(path: path)
        let parsed: JSONValue?
        do {
            parsed = try JSONParser.parse(text)
        } catch {
            throw .invalidJSON(path: path, line: line.number, reason: error.message)
        }
        guard let value = parsed else { return nil }
        guard case .object(let fields) = value else {
            throw .invalidJSON(path: path, line: line.number, reason: "expected an object, found \(value.kind)")
        }
        return JSONRow(fields: fields, path: path, line: line.number)
    }

    private func wrongType(_ key: String, expected: String, found: JSONValue) -> EvaluationError {
        .invalidField(path: path, line: line, field: key, expected: expected, found: found.kind)
    }

    /// A required string.
    func string(_ key: String) throws(EvaluationError) -> String {
        guard let value = fields[key] else { throw .missingField(path: path, line: line, field: key) }
        guard case .string(let string) = value else { throw wrongType(key, expected: "a string", found: value) }
        return string
    }

    /// An optional string: absent or null gives nil.
    func optionalString(_ key: String) throws(EvaluationError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let string)?: return string
        case let value?: throw wrongType(key, expected: "a string", found: value)
        }
    }

    /// A required identifier: a string, or a number written the way Python's `str()` writes it.
    func identifier(_ key: String) throws(EvaluationError) -> String {
        guard let value = fields[key] else { throw .missingField(path: path, line: line, field: key) }
        switch value {
        case .string(let string): return string
        case .integer(let digits): return digits
        case .number(let number): return number.description
        default: throw wrongType(key, expected: "a string or a number", found: value)
        }
    }

    /// A required array of identifiers (strings, or numbers as in `identifier`).
    func identifiers(_ key: String) throws(EvaluationError) -> [String] {
        guard let value = fields[key] else { throw .missingField(path: path, line: line, field: key) }
        return try identifiers(key, value)
    }

    /// An optional array of identifiers: absent or null gives nil.
    func optionalIdentifiers(_ key: String) throws(EvaluationError) -> [String]? {
        switch fields[key] {
        case nil, .null?: return nil
        case let value?: return try identifiers(key, value)
        }
    }

    private func identifiers(_ key: String, _ value: JSONValue) throws(EvaluationError) -> [String] {
        guard case .array(let elements) = value else { throw wrongType(key, expected: "an array of strings", found: value) }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .string(let string): result.append(string)
            case .integer(let digits): result.append(digits)
            case .number(let number): result.append(number.description)
            default: throw wrongType(key, expected: "an array of strings", found: element)
            }
        }
        return result
    }
}
