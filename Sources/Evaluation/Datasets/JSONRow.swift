import JSON
import Retrieval

extension JSONNumber {
    /// What Python's `str()` gives for the number `json.loads` reads: an integer's digits as
    /// written (`-0` is `0`; big ids stay exact), a float's shortest round-trip form.
    var pythonString: String {
        isInteger ? (text == "-0" ? "0" : text) : double.description
    }
}

/// A JSONL line decoded to an object, with typed accessors whose errors name the file, line and field.
struct JSONRow {
    /// The row's object, members in file order.
    let object: JSONValue
    let path: String
    let line: Int

    /// Decodes one line; nil for a blank line.
    static func decode(_ line: LineReader.Line, path: String) throws(EvaluationError) -> JSONRow? {
        let text = try line.text(path: path)
        // A line of JSON whitespace only is blank: no row.
        if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return nil }
        let value: JSONValue
        do {
            // Lone surrogates become U+FFFD: Python's `json.loads` accepts them.
            value = try JSONParser.parse(text.utf8, loneSurrogates: .replace)
        } catch {
            throw .invalidJSON(path: path, line: line.number, reason: "\(error.reason) at byte \(error.offset + 1)")
        }
        guard case .object = value else {
            throw .invalidJSON(path: path, line: line.number, reason: "expected an object, found \(value.kind)")
        }
        return JSONRow(object: value, path: path, line: line.number)
    }

    private func wrongType(_ key: String, expected: String, found: JSONValue) -> EvaluationError {
        .invalidField(path: path, line: line, field: key, expected: expected, found: found.kind)
    }

    /// A required string.
    func string(_ key: String) throws(EvaluationError) -> String {
        guard let value = object[key] else { throw .missingField(path: path, line: line, field: key) }
        guard case .string(let string) = value else { throw wrongType(key, expected: "a string", found: value) }
        return string
    }

    /// An optional string: absent or null gives nil.
    func optionalString(_ key: String) throws(EvaluationError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let string)?: return string
        case let value?: throw wrongType(key, expected: "a string", found: value)
        }
    }

    /// A required identifier: a string, or a number written the way Python's `str()` writes it.
    func identifier(_ key: String) throws(EvaluationError) -> String {
        guard let value = object[key] else { throw .missingField(path: path, line: line, field: key) }
        switch value {
        case .string(let string): return string
        case .number(let number): return number.pythonString
        default: throw wrongType(key, expected: "a string or a number", found: value)
        }
    }

    /// A required array of identifiers (strings, or numbers as in `identifier`).
    func identifiers(_ key: String) throws(EvaluationError) -> [String] {
        guard let value = object[key] else { throw .missingField(path: path, line: line, field: key) }
        return try identifiers(key, value)
    }

    /// An optional array of identifiers: absent or null gives nil.
    func optionalIdentifiers(_ key: String) throws(EvaluationError) -> [String]? {
        switch object[key] {
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
            case .number(let number): result.append(number.pythonString)
            default: throw wrongType(key, expected: "an array of strings", found: element)
            }
        }
        return result
    }
}
