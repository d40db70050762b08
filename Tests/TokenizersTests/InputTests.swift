import Testing
@testable import Tokenizers

/// Raw-byte input and the JSON parser underneath the loader.
struct UTF8InputTests {
    static let tokenizer: WordPieceTokenizer = {
        let vocab = ["[UNK]", "[CLS]", "[SEP]", "ab", "a", "##b", "🍕"]
        let model = try! WordPieceModel(vocabulary: vocab.enumerated().map { (token: $1, id: Int32($0)) })
        return WordPieceTokenizer(model: model, postProcessor: .bert(cls: ("[CLS]", 1), sep: ("[SEP]", 2)))
    }()

    @Test func validBytes() throws {
        #expect(try Self.tokenizer.encode(utf8: Array("AB 🍕".utf8)) == Self.tokenizer.encode("AB 🍕"))
        #expect(try Self.tokenizer.encode(utf8: []).ids == [1, 2])
    }

    @Test func invalidBytesAreRejectedWithTheirOffset() {
        let cases: [([UInt8], Int)] = [
            ([0x61, 0xFF, 0x62], 1),               // never valid
            ([0x61, 0x62, 0xC0, 0x80], 2),         // overlong NUL
            ([0xED, 0xA0, 0x80], 0),               // UTF-16 surrogate
            ([0x61, 0xE2, 0x82], 1),               // truncated at the end
            ([0xF4, 0x90, 0x80, 0x80], 0),         // past U+10FFFF
            (Array("abcdefghij".utf8) + [0x80], 10), // lone continuation after the ASCII fast path
        ]
        for (bytes, offset) in cases {
            #expect(throws: TokenizerError.invalidUTF8(byteOffset: offset)) { try Self.tokenizer.encode(utf8: bytes) }
        }
        #expect(TokenizerError.invalidUTF8(byteOffset: 1).description == "input is not valid UTF-8 (first bad byte at offset 1)")
    }

    @Test func invalidBytesCanBeReplaced() throws {
        // U+FFFD replaces the bad byte and clean_text removes it, as it would in the reference.
        let e = try Self.tokenizer.encode(utf8: [0x61, 0xFF, 0x62], invalidUTF8: .replace)
        #expect(e == Self.tokenizer.encode("ab"))
        #expect(e.tokens == ["[CLS]", "ab", "[SEP]"])
    }
}

struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), path: "test.json")
    }

    @Test func values() throws {
        let v = try Self.parse(#" {"a": [1, -2, 3.5, 1e2, true, false, null, "x"], "b": {}} "#)
        #expect(v["a"] == .array([.int(1), .int(-2), .double(3.5), .double(100), .bool(true), .bool(false), .null, .string("x")]))
        #expect(v["b"] == .object([]))
        #expect(v["c"] == nil)
    }

    @Test func stringsAreExact() throws {
        let v = try Self.parse(#"{"s": "q\"\\\/\b\f\n\r\t\u00e9\ud83c\udf55", "é": 1, "e\u0301": 2}"#)
        #expect(v["s"] == .string("q\"\\/\u{8}\u{C}\n\r\té🍕"))
        // Canonically equivalent keys stay two distinct members, in order.
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.count == 3)
        #expect(Array(members[1].key.unicodeScalars) == ["é"])
        #expect(Array(members[2].key.unicodeScalars) == ["e", "\u{301}"])
        // Repeated keys: the last one wins on lookup, as serde does.
        #expect(try Self.parse(#"{"k": 1, "k": 2}"#)["k"] == .int(2))
    }

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
        ]
        for (text, line, column) in cases {
            do {
                _ = try Self.parse(text)
                Issue.record("\(text.debugDescription) parsed")
            } catch let TokenizerError.malformedJSON(path, l, c, _) {
                #expect(path == "test.json")
                #expect(l == line && c == column, "\(text.debugDescription): \(l):\(c)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}

struct JSONNumberTests {
    @Test func integersAndDoubles() throws {
        let v = try JSONParserTests.parse("[0, -0, 7, -123456789012345678, 9223372036854775807, 9223372036854775808, 1.5e-3, -2E+2]")
        #expect(v == .array([.int(0), .int(0), .int(7), .int(-123456789012345678), .int(Int.max),
                             .double(9223372036854775808), .double(0.0015), .double(-200)]))
    }
}
