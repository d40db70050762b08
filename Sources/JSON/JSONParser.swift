/// A strict JSON parser (RFC 8259) over UTF-8 bytes, for whole files (`tokenizer.json`) and for
/// JSONL rows alike.
///
/// Foundation's decoders are slow on large arrays, merge keys that are canonically equivalent,
/// do not keep a number's text (and on Linux read some long decimals an ulp off), and cannot say
/// which byte is wrong. This parser keeps members in order and text exact (see `JSONValue`),
/// validates UTF-8 as it goes, and reports the byte, line and column of the first error.
public enum JSONParser {
    /// What a `\u` escape holding half of a UTF-16 surrogate pair does.
    public enum LoneSurrogates: Sendable {
        /// A syntax error, as in serde_json (what `tokenizers` uses).
        case reject
        /// U+FFFD, the closest a Swift string gets to Python's `json`, which keeps the lone half.
        case replace
    }

    /// Arrays and objects nest at most this deep (serde_json's limit is 128, Python's is the
    /// recursion limit); deeper input fails rather than overflowing the stack.
    public static let maximumDepth = 512

    /// Parses `bytes` as one JSON value, with whitespace around it and nothing else.
    public static func parse(
        _ bytes: some Collection<UInt8>, loneSurrogates: LoneSurrogates = .reject
    ) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { parse(buffer: $0, loneSurrogates: loneSurrogates) }
            ?? Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, loneSurrogates: loneSurrogates) }
        return try result.get()
    }

    private static func parse(
        buffer: UnsafeBufferPointer<UInt8>, loneSurrogates: LoneSurrogates
    ) -> Result<JSONValue, JSONSyntaxError> {
        var reader = Reader(bytes: buffer, replacesLoneSurrogates: loneSurrogates == .replace)
        do throws(Reader.Failure) {
            reader.skipWhitespace()
            let value = try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.fail("unexpected text after the value") }
            return .success(value)
        } catch {
            return .failure(JSONSyntaxError(reason: error.reason, offset: error.offset, in: buffer))
        }
    }
}

/// The parser's state: a cursor into the bytes and a scratch buffer for escaped strings.
private struct Reader {
    /// A position and reason only; the line and column are worked out once, on failure.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    private let replacesLoneSurrogates: Bool
    /// Reused by every string with an escape, so that only their final `String`s allocate.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, replacesLoneSurrogates: Bool) {
        b = bytes
        self.replacesLoneSurrogates = replacesLoneSurrogates
    }

    var atEnd: Bool { i == b.count }

    func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? i, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < JSONParser.maximumDepth else {
            throw fail("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        guard i < b.count else { throw fail("unexpected end of input") }
        switch b[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw fail("unexpected character \(Self.show(b[i]))")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        for k in 0..<n where i + k >= b.count || b[i + k] != word.utf8Start[k] {
            throw fail(i + k >= b.count ? "unexpected end of input" : "invalid literal (expected \(word))")
        }
        i += n
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        i += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard i < b.count else { throw fail("unexpected end of input in an object") }
            guard b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            i += 1
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard i < b.count else { throw fail("unexpected end of input in an object") }
            switch b[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                return .object(members)
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        i += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard i < b.count else { throw fail("unexpected end of input in an array") }
            switch b[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                return .array(elements)
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    // MARK: Strings

    private mutating func string() throws(Failure) -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes, so the string is a slice of the input. OR-ing its bytes tells
        // whether it is all ASCII, which needs no UTF-8 check.
        var high = skipPlainBytes()
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: b[start..<i])
                guard let s = high < 0x80 ? String(decoding: raw, as: UTF8.self) : Self.validString(raw) else {
                    throw invalidUTF8(start..<i)
                }
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw controlCharacter(c) }
            high |= c
            i += 1
        }
        guard i < b.count else { throw fail("unterminated string", at: open) }
        return try escapedString(open: open, start: start, high: high)
    }

    /// Skips eight bytes at a time up to the first quote, backslash or control character, and
    /// returns the OR of the bytes skipped. (A byte below n sets its top bit in
    /// `(w - n * 0x0101…) & ~w`, and the lowest bit set marks the first such byte; a zero byte of
    /// `w ^ quotes` is a quote.)
    @inline(__always)
    private mutating func skipPlainBytes() -> UInt8 {
        guard let base = b.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101, tops = ones &* 0x80
        var high: UInt64 = 0
        while i + 8 <= b.count {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- ones &* 0x20) & ~w) & tops
            if special != 0 {
                let plain = special.trailingZeroBitCount / 8
                high |= w & ((1 &<< (plain * 8)) &- 1)
                i += plain
                break
            }
            high |= w
            i += 8
        }
        return high & tops == 0 ? 0 : 0x80
    }

    /// The rest of a string from its first backslash, unescaped into `scratch`; `high` is the OR
    /// of the raw bytes so far.
    private mutating func escapedString(open: Int, start: Int, high: UInt8) throws(Failure) -> String {
        var high = high
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                // Escapes add whole scalars, so the result is valid exactly when the raw text is.
                guard let s = high < 0x80 ? String(decoding: scratch, as: UTF8.self)
                        : scratch.withUnsafeBufferPointer(Self.validString) else { throw invalidUTF8(start..<i) }
                i += 1
                return s
            }
            if c < 0x20 { throw controlCharacter(c) }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                high |= c
                i += 1
                continue
            }
            let escape = i
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): scratch.append(contentsOf: try unicodeEscape(at: escape).utf8)
            default: throw fail("invalid escape \\\(Self.show(e))", at: escape)
            }
        }
        throw fail("unterminated string", at: open)
    }

    /// The scalar of `\uXXXX` (and of a following `\uXXXX` when the two are a surrogate pair);
    /// `i` is just past the first `u`.
    private mutating func unicodeEscape(at escape: Int) throws(Failure) -> Unicode.Scalar {
        let code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            if i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                let next = i
                i += 2
                let low = try hex4()
                if (0xDC00...0xDFFF).contains(low) {
                    return Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!
                }
                guard replacesLoneSurrogates else { throw fail("invalid trailing surrogate in \\u escape", at: escape) }
                i = next  // the second escape stands on its own
                return "\u{FFFD}"
            }
            guard replacesLoneSurrogates else { throw fail("lone leading surrogate in \\u escape", at: escape) }
            return "\u{FFFD}"
        }
        if (0xDC00...0xDFFF).contains(code) {
            guard replacesLoneSurrogates else { throw fail("lone trailing surrogate in \\u escape", at: escape) }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(code)!
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= b.count else { throw fail("unexpected end of input in \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// `bytes` as a `String` if they are valid UTF-8. (`String(validating:)` made the whole parse
    /// twice as slow; `String(decoding:)` checks too but repairs silently, so compare.)
    private static func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var s = String(decoding: bytes, as: UTF8.self)
        return s.withUTF8 { $0.elementsEqual(bytes) } ? s : nil
    }

    /// The first ill-formed UTF-8 sequence in `range`, which is known to hold one. (Looked for
    /// only once a string has failed `validString`.)
    private func invalidUTF8(_ range: Range<Int>) -> Failure {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = UnsafeBufferPointer(rebasing: b[range]).makeIterator()
        var offset = range.lowerBound
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        return fail("invalid UTF-8", at: offset)
    }

    private func controlCharacter(_ c: UInt8) -> Failure {
        fail("control character \(Self.show(c)) in a string (escape it)")
    }

    // MARK: Numbers

    private mutating func number() throws(Failure) -> JSONNumber {
        let start = i
        var isInteger = true
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { throw fail("unexpected end of input in a number") }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw fail("invalid number")
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard digits() > 0 else { throw fail("expected digits after '.'") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected digits in the exponent") }
        }
        let negative = b[start] == UInt8(ascii: "-")
        if isInteger, i - start <= 18, !(negative && i - start == 2 && b[start + 1] == UInt8(ascii: "0")) {
            // Fast path: 18 digits always fit in an Int, and `-0` must stay text.
            var v = 0
            for k in (negative ? start + 1 : start)..<i { v = v &* 10 &+ Int(b[k] &- UInt8(ascii: "0")) }
            return JSONNumber(integer: negative ? -v : v)
        }
        return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
    }

    private mutating func digits() -> Int {
        let s = i
        while i < b.count, b[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i - s
    }

    /// A byte as an error message shows it: printable ASCII quoted, anything else in hex.
    private static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
