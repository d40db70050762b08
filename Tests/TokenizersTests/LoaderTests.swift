import Foundation
import Testing
@testable import Tokenizers
import TestSupport

/// Loading: bad files give errors that name the file and field; the formats around WordPiece
/// (post-processor kinds, template strings, tokenizer_config.json) are read as the reference does.
struct LoaderTests {
    static let vocab = ###"{"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "world": 4, "##s": 5}"###

    static func json(model: String = ###"{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": \###(vocab)}"###,
                     normalizer: String = #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}"#,
                     postProcessor: String = "null", extra: String = "") -> String {
        #"{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": \#(normalizer), "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": \#(postProcessor), "decoder": null, \#(extra) "model": \#(model)}"#
    }

    /// Writes `text` to a fresh directory as `name` and returns the file.
    static func write(_ text: String, name: String = "tokenizer.json") throws -> URL {
        let url = try (try TestPaths.temporaryDirectory()).appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static func error(_ body: () throws -> Any) -> TokenizerError? {
        do { _ = try body() } catch let e as TokenizerError { return e } catch { return nil }
        return nil
    }

    @Test func minimalFileLoads() throws {
        let t = try TokenizerLoader.load(file: Self.write(Self.json()))
        #expect(t.encode("Hello worlds").tokens == ["hello", "world", "##s"])
        #expect(t.vocabularySize == 6)
    }

    @Test func missingFilesAndDirectories() throws {
        #expect(Self.error { try TokenizerLoader.load(file: URL(fileURLWithPath: "/nonexistent/tokenizer.json")) }
            == .cannotOpen(path: "/nonexistent/tokenizer.json"))
        #expect(Self.error { try TokenizerLoader.load(directory: URL(fileURLWithPath: "/nonexistent")) }
            == .cannotOpen(path: "/nonexistent"))
        let empty = try (try TestPaths.temporaryDirectory())
        let e = Self.error { try TokenizerLoader.load(directory: empty) }
        #expect(e == .noTokenizerFiles(directory: empty.path))
        #expect(e?.description.contains("no tokenizer.json and no vocab.txt") == true)
    }

    @Test func malformedJSON() throws {
        let url = try Self.write("{\n  \"model\": {\"type\": \"WordPiece\",,}\n}")
        let e = Self.error { try TokenizerLoader.load(file: url) }
        guard case .malformedJSON(let path, let line, let column, _)? = e else {
            Issue.record("expected malformedJSON, got \(String(describing: e))")
            return
        }
        #expect(path == url.path)
        #expect(line == 2)
        #expect(column == 33)
        #expect(e!.description.hasPrefix("\(url.path):2:33: malformed JSON"))
        // Truncated file, empty file, not an object, not UTF-8.
        #expect(Self.error { try TokenizerLoader.load(file: Self.write(String(Self.json().dropLast(10)))) } != nil)
        if case .malformedJSON? = Self.error({ try TokenizerLoader.load(file: Self.write("")) }) {} else { Issue.record("empty file") }
        let notObject = try Self.write("[1, 2]")
        #expect(Self.error { try TokenizerLoader.load(file: notObject) }
            == .invalidField(path: notObject.path, field: "(top level)", expected: "an object", found: "array of 2"))
        let latin1 = try (try TestPaths.temporaryDirectory()).appendingPathComponent("tokenizer.json")
        try Data([0x7B, 0x22, 0xE9, 0x22, 0x7D]).write(to: latin1)
        #expect(Self.error { try TokenizerLoader.load(file: latin1) } == .fileNotUTF8(path: latin1.path, byteOffset: 2))
    }

    @Test func unsupportedModelNamesFileAndType() throws {
        let url = try Self.write(Self.json(model: #"{"type": "Unigram", "vocab": [], "unk_id": 0}"#))
        let e = Self.error { try TokenizerLoader.load(file: url) }
        #expect(e == .unsupportedModel(path: url.path, type: "Unigram"))
        #expect(e?.description == "\(url.path): field \"model.type\": \"Unigram\" is not supported yet (supported: WordPiece, BPE)")
        // Old files without model.type: inferred as tokenizers does.
        let legacy = try Self.write(Self.json(model: ###"{"unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": \###(Self.vocab)}"###))
        #expect(try TokenizerLoader.load(file: legacy).encode("hello").ids == [3])
        let legacyUnigram = try Self.write(Self.json(model: #"{"vocab": [], "unk_id": 0}"#))
        #expect(Self.error { try TokenizerLoader.load(file: legacyUnigram) } == .unsupportedModel(path: legacyUnigram.path, type: "Unigram"))
    }

    @Test func badFieldsNameTheField() throws {
        let noModel = try Self.write(#"{"version": "1.0", "normalizer": null}"#)
        #expect(Self.error { try TokenizerLoader.load(file: noModel) } == .missingField(path: noModel.path, field: "model"))

        let badVocab = try Self.write(Self.json(model: #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": ["a"]}"#))
        #expect(Self.error { try TokenizerLoader.load(file: badVocab) }
            == .invalidField(path: badVocab.path, field: "model.vocab", expected: "an object of token: id", found: "array of 1"))

        let badID = try Self.write(Self.json(model: #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": -1}}"#))
        #expect(Self.error { try TokenizerLoader.load(file: badID) }
            == .invalidField(path: badID.path, field: "model.vocab[\"[UNK]\"]", expected: "a non-negative integer id", found: "integer -1"))

        let noUnk = try Self.write(Self.json(model: #"{"type": "WordPiece", "unk_token": "<unk>", "vocab": {"a": 0}}"#))
        let e = Self.error { try TokenizerLoader.load(file: noUnk) }
        #expect(e == .missingToken(path: noUnk.path, field: "model.unk_token", token: "<unk>"))
        #expect(e?.description == "\(noUnk.path): field \"model.unk_token\": token \"<unk>\" is not in the vocabulary")

        let badBool = try Self.write(Self.json(normalizer: #"{"type": "BertNormalizer", "lowercase": "yes"}"#))
        #expect(Self.error { try TokenizerLoader.load(file: badBool) }
            == .invalidField(path: badBool.path, field: "normalizer.lowercase", expected: "true or false", found: "string \"yes\""))

        let nfc = try Self.write(Self.json(normalizer: #"{"type": "NFC"}"#))
        #expect(Self.error { try TokenizerLoader.load(file: nfc) }
            == .unsupportedComponent(path: nfc.path, field: "normalizer.type", type: "NFC"))

        let version = try Self.write(#"{"version": "2.0", "model": {}}"#)
        #expect(Self.error { try TokenizerLoader.load(file: version) }
            == .invalidField(path: version.path, field: "version", expected: "\"1.0\"", found: "\"2.0\""))

        let template = try Self.write(Self.json(postProcessor: #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}}"#))
        #expect(Self.error { try TokenizerLoader.load(file: template) }
            == .missingToken(path: template.path, field: "post_processor.special_tokens", token: "[CLS]"))
    }

    @Test func postProcessorKinds() throws {
        let bert = #"{"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]}"#
        let roberta = #"{"type": "RobertaProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1], "trim_offsets": true, "add_prefix_space": false}"#
        let strings = #"{"type": "TemplateProcessing", "single": ["[CLS]:0", "$A:0", "[SEP]:0"], "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}}"#
        let sequence = #"{"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true}, \#(bert)]}"#
        for p in [bert, roberta, strings, sequence] {
            let t = try TokenizerLoader.load(file: Self.write(Self.json(postProcessor: p)))
            #expect(t.encode("hello").ids == [1, 3, 2], "\(p)")
            #expect(t.encode("hello", addSpecialTokens: false, maxLength: nil).ids == [3], "\(p)")
        }
    }

    @Test func configuredTruncationIsReportedNotApplied() throws {
        let t = try WordPieceTokenizer(tokenizerJSON: Self.write(Self.json(extra: #""truncation": {"max_length": 2, "strategy": "LongestFirst", "stride": 0},"#)))
        #expect(t.configuredMaxLength == 2)
        #expect(t.encode("hello world hello").count == 3)
    }

    @Test func vocabTxtWithConfig() throws {
        let dir = try (try TestPaths.temporaryDirectory())
        try Data("[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nHello\r\nhello\r\nCafé\r\ncafe\r\n".utf8)
            .write(to: dir.appendingPathComponent("vocab.txt"))
        // Default: lowercase and strip accents.
        let lower = try TokenizerLoader.load(directory: dir)
        #expect(lower.encode("Hello Café").ids == [2, 6, 8, 3])
        #expect(lower.vocabularySize == 9)
        // do_lower_case false (strip_accents then follows it: off).
        try Data(#"{"do_lower_case": false, "unk_token": {"content": "[UNK]", "__type": "AddedToken"}}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer_config.json"))
        let cased = try TokenizerLoader.load(directory: dir)
        #expect(cased.encode("Hello Café").ids == [2, 5, 7, 3])
        #expect(cased.encode("[MASK]").ids == [2, 4, 3])
        // A bad config value is reported with its field.
        try Data(#"{"do_lower_case": "no"}"#.utf8).write(to: dir.appendingPathComponent("tokenizer_config.json"))
        #expect(Self.error { try TokenizerLoader.load(directory: dir) }
            == .invalidField(path: dir.appendingPathComponent("tokenizer_config.json").path, field: "do_lower_case",
                             expected: "true, false or null", found: "string \"no\""))
    }

    @Test func vocabularyLinesLikePythonReadlines() {
        #expect(WordPieceTokenizer.vocabularyLines(Array("a\nb\r\nc\rd".utf8)) == ["a", "b", "c", "d"])
        #expect(WordPieceTokenizer.vocabularyLines(Array("a\n\nb\n".utf8)) == ["a", "", "b"])
        #expect(WordPieceTokenizer.vocabularyLines(Array("a \n".utf8)) == ["a "])
        #expect(WordPieceTokenizer.vocabularyLines([]) == [])
    }
}
