import Foundation
import Testing
@testable import Tokenizers
import TestSupport

private let tinyBert = TestPaths.fixtureModels.appendingPathComponent("tiny-bert")

/// The random-weight tiny-bert fixture (168-token uncased vocabulary): its tokenizer.json and its
/// vocab.txt must both give golden/tiny_bert.json's `input_ids` and `tokens`.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: tinyBert.appendingPathComponent("tokenizer.json").path),
                "needs the shared fixtures (shared/fixtures/models/tiny-bert)"))
struct TinyBertTests {
    struct Golden: Decodable {
        let texts: [String]
        let input_ids: [[Int32]]
        let tokens: [[String]]
    }

    static let golden = try! TestPaths.decode(Golden.self, golden: "tiny_bert.json")

    @Test func tokenizerJSON() throws {
        let tokenizer = try TokenizerLoader.load(file: tinyBert.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.vocabularySize == 168)
        #expect(Self.golden.texts.count == 5)
        for (i, text) in Self.golden.texts.enumerated() {
            let e = tokenizer.encode(text)
            #expect(e.ids == Self.golden.input_ids[i], "text \(i): \(text)")
            #expect(e.tokens == Self.golden.tokens[i], "text \(i): \(text)")
        }
    }

    @Test func vocabTxtFallback() throws {
        // A directory with only vocab.txt and tokenizer_config.json.
        let dir = try (try TestPaths.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: tinyBert.appendingPathComponent(name),
                                             to: dir.appendingPathComponent(name))
        }
        let tokenizer = try TokenizerLoader.load(directory: dir)
        #expect(tokenizer.vocabularySize == 168)
        for (i, text) in Self.golden.texts.enumerated() {
            let e = tokenizer.encode(text)
            #expect(e.ids == Self.golden.input_ids[i], "text \(i): \(text)")
            #expect(e.tokens == Self.golden.tokens[i], "text \(i): \(text)")
        }
    }

    @Test func vocabTxtAndTokenizerJSONAgreeOnHarderText() throws {
        let json = try TokenizerLoader.load(file: tinyBert.appendingPathComponent("tokenizer.json"))
        let txt = try TokenizerLoader.load(file: tinyBert.appendingPathComponent("vocab.txt"))
        let samples = [
            "", "   ", "[CLS] literal [SEP] and [MASK]", "Ünïcödé ÀÉÎÕÜ straße", "北京大学 日本語", "tab\there\u{0}null",
            "emoji 🍕 and ZWJ 👨‍👩‍👧", String(repeating: "ab", count: 60), "a-b_c.d,e;f:g!h?i",
        ]
        for s in samples {
            #expect(json.encode(s) == txt.encode(s), "\(s.debugDescription)")
        }
    }

    @Test func truncationTo256() throws {
        let tokenizer = try TokenizerLoader.load(file: tinyBert.appendingPathComponent("tokenizer.json"))
        let text = Array(repeating: Self.golden.texts[1], count: 40).joined(separator: " ")
        let full = tokenizer.encode(text)
        #expect(full.count > 1000)
        let cut = tokenizer.encode(text, addSpecialTokens: true, maxLength: 256)
        #expect(cut.count == 256)
        #expect(cut.ids.first == tokenizer.id(of: "[CLS]"))
        #expect(cut.ids.last == tokenizer.id(of: "[SEP]"))
        #expect(cut.ids == Array(full.ids.prefix(255)) + [tokenizer.id(of: "[SEP]")!])
        // Without special tokens the whole budget goes to content.
        let plain = tokenizer.encode(text, addSpecialTokens: false, maxLength: 256)
        #expect(plain.ids == Array(full.ids.dropFirst().prefix(256)))
        // Short texts are left alone; a budget below the special tokens still honours maxLength.
        #expect(tokenizer.encode("hello", addSpecialTokens: true, maxLength: 256) == tokenizer.encode("hello"))
        #expect(tokenizer.encode("hello world", addSpecialTokens: true, maxLength: 3).tokens == ["[CLS]", "hello", "[SEP]"])
        #expect(tokenizer.encode("hello world", addSpecialTokens: true, maxLength: 2).tokens == ["[CLS]", "[SEP]"])
        #expect(tokenizer.encode("hello world", addSpecialTokens: true, maxLength: 1).count == 1)
    }
}
