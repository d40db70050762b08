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

@Suite struct GGUFVocabularyTests {
    private func vocabulary(pre: String? = "gpt2", merges: [String] = ["a b"], types: [Int]? = [3, 1, 1, 1]) -> GGUFVocabulary {
        GGUFVocabulary(source: "m.gguf", model: "gpt2", pre: pre, tokens: ["<s>", "a", "b", "ab"], tokenTypes: types,
                       merges: merges, bosID: 0, eosID: 0, addBOS: true)
    }

    @Test func buildsFromPlainFields() throws {
        let t = try ByteLevelBPETokenizer(ggufVocabulary: vocabulary())
        #expect(t.encode("ab", addSpecial: true, parseSpecial: false) == [0, 3])
        #expect(t.encode("<s>ab", addSpecial: false, parseSpecial: true) == [0, 3])
        #expect(t.decode([0, 3], skipSpecial: true) == "ab" && t.decode([0, 3]) == "<s>ab")
    }

    @Test func badFieldsNameTheKey() {
        #expect(throws: TokenizerError.unsupportedComponent(path: "m.gguf", field: "tokenizer.ggml.pre", type: "klingon")) {
            try ByteLevelBPETokenizer(ggufVocabulary: vocabulary(pre: "klingon"))
        }
        #expect(throws: TokenizerError.invalidField(path: "m.gguf", field: "tokenizer.ggml.merges[0]",
                                                    expected: "a pair of tokens whose join is in the vocabulary", found: "\"b a\"")) {
            try ByteLevelBPETokenizer(ggufVocabulary: vocabulary(merges: ["b a"]))
        }
        #expect(throws: TokenizerError.invalidField(path: "m.gguf", field: "tokenizer.ggml.merges[0]", expected: "\"left right\"", found: "\"ab\"")) {
            try ByteLevelBPETokenizer(ggufVocabulary: vocabulary(merges: ["ab"]))
        }
        #expect(throws: TokenizerError.invalidField(path: "m.gguf", field: "tokenizer.ggml.token_type", expected: "4 entries", found: "2")) {
            try ByteLevelBPETokenizer(ggufVocabulary: vocabulary(types: [3, 1]))
        }
        var badBOS = vocabulary()
        badBOS.bosID = 9
        #expect(throws: TokenizerError.invalidField(path: "m.gguf", field: "tokenizer.ggml.bos_token_id", expected: "a token id below 4", found: "9")) {
            try ByteLevelBPETokenizer(ggufVocabulary: badBOS)
        }
    }
}

@Suite struct ByteLevelBPEJSONTests {
    private func load(preTokenizer: String, merges: String = #"["a b"]"#) throws -> any Tokenizer {
        let json = #"{"version": "1.0", "added_tokens": [{"id": 3, "content": "<s>", "special": true}], "normalizer": null, "pre_tokenizer": \#(preTokenizer), "post_processor": null, "decoder": null, "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "<s>": 3}, "merges": \#(merges)}}"#
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("tokenizer.json")
        try Data(json.utf8).write(to: url)
        return try TokenizerLoader.load(file: url)
    }

    @Test func gpt2ByteLevelAndErrors() throws {
        let t = try load(preTokenizer: #"{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"#)
        #expect(t.encode("ab<s>", addSpecialTokens: false, maxLength: nil).ids == [2, 3])
        #expect(throws: TokenizerError.self) { try load(preTokenizer: #"{"type": "Metaspace"}"#) }
        do {
            _ = try load(preTokenizer: #"{"type": "Metaspace"}"#)
        } catch let error as TokenizerError {
            #expect(error.description.hasSuffix("field \"pre_tokenizer.type\": type \"Metaspace\" is not supported yet"))
        }
        #expect(throws: TokenizerError.self) {
            try load(preTokenizer: #"{"type": "ByteLevel", "use_regex": true}"#, merges: #"["b c"]"#)
        }
    }
}
