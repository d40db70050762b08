import JSON
import Testing

/// Each error names its byte, line and column.
struct JSONSyntaxErrorTests {
    static func error(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    static func error(_ text: String) -> JSONSyntaxError? { error(Array(text.utf8)) }

    @Test func errorsHaveLineAndColumn() {
        let cases: [(String, Int, Int)] = [
            ("{\"a\": 1,}", 1, 9),
            ("[1 2]", 1, 4),
            ("{\"a\": \"\\ud800\"}", 1, 8),
            ("\"tab\there\"", 1, 5),
            ("{\n\"a\": tru}", 2, 6),
            ("01", 1, 2),
            ("", 1, 1),
            (String(repeating: "[", count: 600), 1, 513),
            ("{\"é\": 1,\n  \"ü\": [1, 2,, 3]}", 2, 14),  // columns count scalars, not bytes
            ("[\"unterminated", 1, 2),
            ("[1, 2", 1, 6),
            ("\"\\x\"", 1, 2),
            ("nul", 1, 1),
        ]
        for (text, line, column) in cases {
            guard let e = Self.error(text) else {
                Issue.record("\(text.debugDescription) parsed")
                continue
            }
            #expect(e.line == line && e.column == column, "\(text.debugDescription): \(e.line):\(e.column) \(e.reason)")
            #expect(!e.reason.isEmpty)
            #expect(e.description == "\(e.line):\(e.column): \(e.reason)")
        }
    }

    @Test func offsets() {
        #expect(Self.error("[1, 2,]")?.offset == 6)
        #expect(Self.error("{\"a\" 1}")?.offset == 5)
        #expect(Self.error("[1] x")?.offset == 4)
        #expect(Self.error("[1] x")?.reason == "unexpected text after the value")
        #expect(Self.error("[1, 2")?.offset == 5)  // the end of the input
        #expect(Self.error("\"a\u{1}b\"")?.reason.contains("control character 0x1") == true)
        #expect(Self.error("[\u{E9}]")?.reason == "unexpected character 0xC3")
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONParser.parse(Array(ok.utf8)) }
        let objects = String(repeating: "{\"a\":", count: JSONParser.maximumDepth + 1) + "1" + String(repeating: "}", count: JSONParser.maximumDepth + 1)
        let e = Self.error(objects)
        #expect(e?.reason == "nesting deeper than 512 levels")
        #expect(e?.offset == 5 * JSONParser.maximumDepth)
        // Far past the limit fails just as fast, without overflowing the stack.
        #expect(Self.error(String(repeating: "[", count: 1_000_000))?.column == 513)
    }

    /// Strings must be valid UTF-8; the offset is the first byte of the bad sequence.
    @Test func invalidUTF8() {
        let cases: [([UInt8], Int)] = [
            ([0x22, 0x61, 0xFF, 0x22], 2),                          // never valid
            ([0x22, 0xC0, 0x80, 0x22], 1),                          // overlong NUL
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),                    // UTF-16 surrogate
            ([0x22, 0x61, 0xE2, 0x82, 0x22], 2),                    // truncated
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),              // past U+10FFFF
            (Array("\"abcdefghij".utf8) + [0x80, 0x22], 11),        // after the eight-byte fast path
            (Array("\"a\\n".utf8) + [0xC3, 0x22], 4),               // after an escape
            (Array("\"\\u00e9".utf8) + [0xA9, 0x22], 7),            // a continuation byte after an escape
            ([0x5B, 0xE9, 0x5D], 1),                                // outside a string
        ]
        for (bytes, offset) in cases {
            let e = Self.error(bytes)
            #expect(e?.offset == offset, "\(bytes)")
            if offset != 1 || bytes[0] == 0x22 { #expect(e?.reason == "invalid UTF-8", "\(bytes)") }
        }
        #expect(Self.error(Array("\"é😀\"".utf8)) == nil)
    }
}
