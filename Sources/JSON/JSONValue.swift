/// A JSON document as it was written: object members stay in file order, repeated keys are all
/// kept, and strings and numbers keep their exact text.
///
/// Swift's `[String: T]` compares keys by canonical equivalence, so it would merge vocabulary
/// entries that differ only in Unicode normalization (`"é"` and `"e\u{301}"`); Hugging Face
/// `tokenizers` and Python's `json` keep both. Here keys and strings compare by their UTF-8 bytes.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return sameBytes(x, y)
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { sameBytes($0.key, $1.key) && $0.value == $1.value }
        default: return false
        }
    }

    /// The member whose key has exactly these bytes (the last one, if repeated, as serde and
    /// Python's `json` do), or nil; nil too when this is not an object.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { sameBytes($0.key, key) })?.value
    }
}

extension JSONValue {
    /// How an error message names this kind of value ("a string", "an array", …).
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// `==` on `String` is canonical equivalence; JSON keys and strings are compared as written.
@inlinable
func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
}
