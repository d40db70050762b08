import Foundation
import Testing
import TestSupport
@testable import Tokenizers

@Suite struct ByteLevelBPETests {
    @Test func alphabetCoversEveryByteOnce() {
        let scalars = ByteLevelAlphabet.scalarForByte
        #expect(Set(scalars).count == 256)
        #expect(scalars[0x20] == 0x120 && scalars[0x0A] == 0x10A && scalars[0x41] == 0x41)
        let all = [UInt8](0...255)
        #expect(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(all)) == all)
        #expect(ByteLevelAlphabet.decode("€") == nil)
    }

    private func pieces(_ pattern: PreTokenizerPattern, _ text: String) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { b in
            pattern.split(b).map { r in String(String.UnicodeScalarView(r.map { Unicode.Scalar(b[$0])! })) }
        }
    }

    @Test func patternsSplitAsTheirRegexes() {
        #expect(pieces(.gpt2, "Hello world's  end 123abc!!\n\n x") == ["Hello", " world", "'s", " ", " end", " 123", "abc", "!!", "\n\n", " x"])
        #expect(pieces(.smollm, "a 1234 b") == ["a", " ", "1", "2", "3", "4", " b"])
        #expect(pieces(.llama3, "I'M (hello) 12345\r\n\n  x  ") == ["I", "'M", " (", "hello", ")", " ", "123", "45", "\r\n\n", " ", " x", "  "])
        #expect(pieces(.qwen2, "ab 12") == ["ab", " ", "1", "2"])
        #expect(pieces(.llama3, "Café naïve") == ["Café", " naïve"])
        #expect(pieces(.llamaCppDefault, "x+=12345;") == ["x", "+=", "123", "45", ";"])
    }

    @Test func mergesApplyLowestRankFirst() throws {
        // "abc": merges (b, c) rank 0, (a, b) rank 1 → "a" + "bc", even though "ab" is in the vocabulary.
        let model = try ByteLevelBPEModel(tokens: ["a", "b", "c", "ab", "bc"], merges: [("b", "c"), ("a", "b")],
                                          ignoreMerges: false, byteFallback: false, unknownID: nil,
                                          badMerge: { .missingField(path: "", field: "\($0)") })
        var ids: [Int32] = []
        Array("abc".utf8).withUnsafeBufferPointer { model.encode(piece: $0, into: &ids) }
        #expect(ids == [0, 4])
        #expect(throws: TokenizerError.missingField(path: "", field: "0")) {
            try ByteLevelBPEModel(tokens: ["a"], merges: [("a", "z")], ignoreMerges: false, byteFallback: false,
                                  unknownID: nil, badMerge: { .missingField(path: "", field: "\($0)") })
        }
    }
}

/// `tiny_llama.json`: the ids of the tiny Llama's tokenizer.json (Llama 3 pattern, BOS prepended by its template).
@Suite(.enabled(if: FileManager.default.fileExists(atPath: TestPaths.fixtureModels.appendingPathComponent("tiny-llama/tokenizer.json").path),
                "tiny-llama fixture not found (set REASONIR_SHARED)"))
struct TinyLlamaTokenizerTests {
    struct Golden: Decodable {
        let texts: [String]
        let input_ids: [[Int32]]
    }

    @Test func idsEqualTheReference() throws {
        let golden = try TestPaths.decode(Golden.self, golden: "tiny_llama.json")
        let tokenizer = try TokenizerLoader.load(directory: TestPaths.fixtureModels.appendingPathComponent("tiny-llama"))
        let bpe = try #require(tokenizer as? ByteLevelBPETokenizer)
        #expect(bpe.pattern == .llama3)
        for (text, ids) in zip(golden.texts, golden.input_ids) {
            #expect(tokenizer.encode(text).ids == ids, "\(text)")
            #expect(bpe.decode(Array(ids.dropFirst())) == text)
            #expect(bpe.decode(ids, skipSpecial: false).hasPrefix("<|begin_of_text|>"))
        }
        // Special-token text: matched only when asked.
        #expect(bpe.encode("<|end_of_text|>", addSpecial: false, parseSpecial: true) == [1])
        #expect(bpe.encode("<|end_of_text|>", addSpecial: false, parseSpecial: false).count > 1)
    }
}
