import Foundation
import Testing
@testable import Tokenizers

/// Added tokens and post-processors, on small tokenizers built in memory.
struct AddedTokenTests {
    static let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "ab", "##b", "hello", "world", "<", ">", "foo", "!", "##c", "ca"]

    static func tokenizer(_ added: [AddedToken], normalizer: BertNormalizer? = BertNormalizer(),
                          template: TemplatePostProcessor? = .bert(cls: ("[CLS]", 2), sep: ("[SEP]", 3))) throws -> WordPieceTokenizer {
        let model = try WordPieceModel(vocabulary: vocab.enumerated().map { (token: $1, id: Int32($0)) })
        return WordPieceTokenizer(model: model, normalizer: normalizer, postProcessor: template, addedTokens: added)
    }

    static let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map { AddedToken(content: $0, special: true) }

    @Test func literalSpecialTokensInTheText() throws {
        let t = try Self.tokenizer(Self.specials)
        #expect(t.encode("hello [MASK] world").tokens == ["[CLS]", "hello", "[MASK]", "world", "[SEP]"])
        #expect(t.encode("[CLS][SEP]").ids == [2, 2, 3, 3])
        // Special tokens are not normalized, so a lowercase spelling is plain text.
        #expect(t.encode("[mask]").ids == [2, 1, 1, 1, 3])
        // No special tokens when asked.
        #expect(t.encode("hello", addSpecialTokens: false, maxLength: nil).tokens == ["hello"])
        #expect(t.encode("", addSpecialTokens: false, maxLength: nil).ids == [])
        #expect(t.encode("").tokens == ["[CLS]", "[SEP]"])
    }

    @Test func newTokensGetIDsAfterTheVocabulary() throws {
        let t = try Self.tokenizer(Self.specials + [AddedToken(content: "<new>", special: true),
                                                   AddedToken(content: "<newer>", special: false)])
        #expect(t.id(of: "<new>") == 18)
        #expect(t.id(of: "<newer>") == 19)
        #expect(t.vocabularySize == 20)
        #expect(t.encode("a<new>b").ids == [2, 5, 18, 6, 3])
    }

    @Test func leftmostLongestMatch() throws {
        let t = try Self.tokenizer([AddedToken(content: "<a>", special: true), AddedToken(content: "<a><b>", special: true)])
        #expect(t.encode("x<a><b><a>", addSpecialTokens: false, maxLength: nil).tokens == ["[UNK]", "<a><b>", "<a>"])
    }

    @Test func normalizedTokensMatchNormalizedText() throws {
        // normalized: true → the content is normalized (lowercased) and looked for after normalization.
        let t = try Self.tokenizer([AddedToken(content: "<FOO>", normalized: true)])
        let e = t.encode("a <Foo> b", addSpecialTokens: false, maxLength: nil)
        #expect(e.tokens == ["a", "<foo>", "b"])
        #expect(e.ids == [5, 18, 6])
    }

    @Test func stripFlags() throws {
        let l = try Self.tokenizer([AddedToken(content: "[MASK]", leftStrip: true, special: true)])
        #expect(l.encode("a  [MASK] b", addSpecialTokens: false, maxLength: nil).tokens == ["a", "  [MASK]", "b"])
        let r = try Self.tokenizer([AddedToken(content: "[MASK]", rightStrip: true, special: true)])
        #expect(r.encode("a [MASK]  b", addSpecialTokens: false, maxLength: nil).tokens == ["a", "[MASK]  ", "b"])
    }

    @Test func singleWord() throws {
        let t = try Self.tokenizer([AddedToken(content: "ab", singleWord: true, special: true)])
        // Only the standalone "ab" is the added token; inside "cab" / "abc" it is ordinary text.
        let e = t.encode("ab cab abc ab!", addSpecialTokens: false, maxLength: nil)
        #expect(e.ids == [8, 17, 9, 8, 16, 8, 15])
    }

    @Test func noNormalizerNoPreTokenizer() throws {
        let model = try WordPieceModel(vocabulary: Self.vocab.enumerated().map { (token: $1, id: Int32($0)) })
        let t = WordPieceTokenizer(model: model, normalizer: nil, preTokenizer: nil)
        // The whole text is one word for the model.
        #expect(t.encode("ab").tokens == ["ab"])
        #expect(t.encode("a b").tokens == ["[UNK]"])
        #expect(t.encode("Ab").tokens == ["[UNK]"])
    }

    @Test func templateComposition() {
        let bert = TemplatePostProcessor.bert(cls: ("[CLS]", 2), sep: ("[SEP]", 3))
        #expect(bert.addedTokenCount == 2)
        #expect(bert.apply(ids: [5], tokens: ["a"]).ids == [2, 5, 3])
        #expect(TemplatePostProcessor.identity.followed(by: bert) == bert)
        #expect(bert.followed(by: .identity) == bert)
        let multi = TemplatePostProcessor(single: [.special(ids: [7, 8], tokens: ["<s>", "<t>"]), .sequence])
        #expect(multi.addedTokenCount == 2)
        #expect(multi.apply(ids: [1], tokens: ["x"]).tokens == ["<s>", "<t>", "x"])
    }

    @Test func concurrentEncodingIsSafe() async throws {
        let t = try Self.tokenizer(Self.specials)
        let texts = (0..<64).map { "hello [MASK] world \($0) ab!" }
        let expected = texts.map { t.encode($0) }
        let results = await withTaskGroup(of: (Int, Encoding).self) { group in
            for (i, text) in texts.enumerated() { group.addTask { (i, t.encode(text)) } }
            var out = [Encoding?](repeating: nil, count: texts.count)
            for await (i, e) in group { out[i] = e }
            return out
        }
        #expect(results == expected)
        #expect(t.encode(texts) == expected)
    }
}
