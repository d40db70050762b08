import JSON
import Testing

/// Values, member order and exact text.
struct JSONParserTests {
    static func parse(_ text: String, loneSurrogates: JSONParser.LoneSurrogates = .reject) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), loneSurrogates: loneSurrogates)
    }

    /// A number's conversions, for comparisons.
    static func int(_ value: JSONValue?) -> Int? { if case .number(let n)? = value { n.int } else { nil } }
    static func double(_ value: JSONValue?) -> Double? { if case .number(let n)? = value { n.double } else { nil } }

    @Test func values() throws {
        let v = try Self.parse(#" {"a": [1, -2, 3.5, 1e2, true, false, null, "x"], "b": {}} "#)
        guard case .array(let a)? = v["a"], a.count == 8 else { Issue.record("\(v)"); return }
        #expect(a[..<4].map(Self.int) == [1, -2, nil, nil])
        #expect(a[..<4].map(Self.double) == [1, -2, 3.5, 100])
        #expect(Array(a[4...]) == [.bool(true), .bool(false), .null, .string("x")])
        #expect(v["b"] == .object([]))
        #expect(v["c"] == nil)
        #expect(v["a"]?["x"] == nil)  // not an object
        #expect(try Self.parse("[]") == .array([]))
        #expect(try Self.parse(" \t\r\n\"top\" \n") == .string("top"))
    }

    @Test func stringsAreExact() throws {
        let v = try Self.parse(#"{"s": "q\"\\\/\b\f\n\r\t\u00e9\ud83c\udf55", "é": 1, "e\u0301": 2}"#)
        #expect(v["s"] == .string("q\"\\/\u{8}\u{C}\n\r\té🍕"))
        // Canonically equivalent keys stay two distinct members, in order, and lookups tell them apart.
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.count == 3)
        #expect(Array(members[1].key.unicodeScalars) == ["é"])
        #expect(Array(members[2].key.unicodeScalars) == ["e", "\u{301}"])
        #expect(Self.int(v["é"]) == 1)
        #expect(Self.int(v["e\u{301}"]) == 2)
        #expect(JSONValue.string("é") != .string("e\u{301}"))
        // Repeated keys: all kept; the last one wins on lookup, as in serde and Python.
        let repeated = try Self.parse(#"{"k": 1, "k": 2}"#)
        #expect(Self.int(repeated["k"]) == 2)
        guard case .object(let both) = repeated else { Issue.record("not an object"); return }
        #expect(both.map(\.key) == ["k", "k"])
    }

    @Test func escapesAndRawUnicode() throws {
        #expect(try Self.parse(#""\u0041\u00DF\u6771\uD834\uDD1E""#) == .string("Aß東𝄞"))
        #expect(try Self.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try Self.parse("\"Aß東𝄞\"") == .string("Aß東𝄞"))
        // A long string with an escape after the eight-byte fast path, and non-ASCII in it.
        let long = String(repeating: "abcdefgh", count: 5) + "é" + String(repeating: "x", count: 17)
        #expect(try Self.parse("\"\(long)\\n\(long)\"") == .string(long + "\n" + long))
        #expect(try Self.parse("\"\(long)\"") == .string(long))
    }

    @Test func loneSurrogates() throws {
        for text in [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try Self.parse(text) }
        }
        // Replaced, as the closest a Swift string gets to Python's json.
        #expect(try Self.parse(#""a\ud800b""#, loneSurrogates: .replace) == .string("a\u{FFFD}b"))
        #expect(try Self.parse(#""\udc00""#, loneSurrogates: .replace) == .string("\u{FFFD}"))
        #expect(try Self.parse(#""\ud800\u0041""#, loneSurrogates: .replace) == .string("\u{FFFD}A"))
        #expect(try Self.parse(#""\ud800\ud83c\udf55""#, loneSurrogates: .replace) == .string("\u{FFFD}🍕"))
    }

    @Test func parsesAnyByteCollection() throws {
        let text = #"{"a": [1, "b"]}"#
        let expected = try Self.parse(text)
        #expect(try JSONParser.parse(text.utf8) == expected)
        #expect(try JSONParser.parse(Array(("  " + text).utf8).dropFirst(2)) == expected)
        #expect(try JSONParser.parse(AnyCollection(text.utf8)) == expected)  // not contiguous: copied
    }
}
