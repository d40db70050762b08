import JSON
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

/// The JSON parser's syntax errors become `TokenizerError.malformedJSON` with the file, line and
/// column. (The parser's own tests are in JSONTests.)
struct MalformedJSONTests {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), path: "test.json")
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
