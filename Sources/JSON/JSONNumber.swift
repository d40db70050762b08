/// A JSON number with its text kept exactly, so that an id like `12345678901234567890` or a
/// float like `0.1000000000000000055511151231257827` reads back as written; `int` and `double`
/// convert on demand.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// Most numbers in our files are small integers (vocabulary ids, row ids); they are kept as
    /// an `Int`, whose decimal form is their text, and the rest as text.
    @usableFromInline
    enum Storage: Sendable, Equatable {
        /// Written as `String(value)` writes it (JSON has no leading zeros or `+`; `-0` is text).
        case integer(Int)
        case text(String)
    }

    @usableFromInline
    let storage: Storage

    /// `text` must be a valid JSON number; the parser is the only caller.
    init(text: String) {
        if let value = Int(text), text != "-0" { storage = .integer(value) } else { storage = .text(text) }
    }

    init(integer value: Int) { storage = .integer(value) }

    /// The number exactly as written in the document.
    @inlinable
    public var text: String {
        switch storage {
        case .integer(let value): return String(value)
        case .text(let text): return text
        }
    }

    public var description: String { text }

    /// True when written without a fraction or an exponent.
    @inlinable
    public var isInteger: Bool {
        switch storage {
        case .integer: return true
        case .text(let text): return !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        }
    }

    /// The value when it is written as an integer that fits in an `Int` (`-0` gives 0), else nil.
    @inlinable
    public var int: Int? {
        if case .integer(let value) = storage { return value }  // inlined: the common case
        return textInt
    }

    @usableFromInline
    var textInt: Int? { Int(text) }

    /// The nearest `Double` (infinity past its range, as `Double(_:)` and Python's `float` give).
    @inlinable
    public var double: Double {
        if case .integer(let value) = storage { return Double(value) }
        return textDouble
    }

    @usableFromInline
    var textDouble: Double { Double(text) ?? .nan }  // never nil for JSON's grammar
}
