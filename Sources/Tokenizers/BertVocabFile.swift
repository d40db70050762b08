import Foundation
import JSON

/// The settings of a BERT tokenizer that has only `vocab.txt` (and maybe `tokenizer_config.json`),
/// read the way `transformers` builds its fast BERT tokenizer from them.
public struct BertVocabConfiguration: Sendable, Hashable {
    /// `do_lower_case` (default true).
    public var lowercase: Bool = true
    /// `strip_accents` (default nil: follow `lowercase`).
    public var stripAccents: Bool? = nil
    /// `tokenize_chinese_chars` (default true).
    public var handleChineseChars: Bool = true
    public var unknownToken = "[UNK]"
    public var separatorToken = "[SEP]"
    public var paddingToken = "[PAD]"
    public var classifierToken = "[CLS]"
    public var maskToken = "[MASK]"
    /// `added_tokens_decoder` when the config has it (id order), else the five tokens above as
    /// special tokens.
    public var addedTokens: [AddedToken]? = nil

    public init() {}

    /// Reads `tokenizer_config.json`; absent fields keep their defaults.
    public init(tokenizerConfig url: URL) throws(TokenizerError) {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path) }
        let json = try TokenizerConfigReader(root: JSONParser.parse([UInt8](data), path: path), path: path)
        lowercase = try json.bool("do_lower_case") ?? true
        stripAccents = try json.bool("strip_accents")
        handleChineseChars = try json.bool("tokenize_chinese_chars") ?? true
        unknownToken = try json.tokenContent("unk_token") ?? unknownToken
        separatorToken = try json.tokenContent("sep_token") ?? separatorToken
        paddingToken = try json.tokenContent("pad_token") ?? paddingToken
        classifierToken = try json.tokenContent("cls_token") ?? classifierToken
        maskToken = try json.tokenContent("mask_token") ?? maskToken
        addedTokens = try json.addedTokensDecoder()
    }
}

extension WordPieceTokenizer {
    /// Builds a BERT tokenizer from `vocab.txt` (one token per line, the line number is its id)
    /// as `transformers` does when a model has no `tokenizer.json`: `BertNormalizer`,
    /// `BertPreTokenizer`, WordPiece with `[UNK]`, `##` and 100 characters, the special tokens as
    /// added tokens, and `[CLS] $A [SEP]`.
    public init(vocabularyFile url: URL, configuration: BertVocabConfiguration = BertVocabConfiguration()) throws(TokenizerError) {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path) }
        let bytes = [UInt8](data)
        if let bad = UTF8Validation.firstInvalidByte(in: bytes) { throw .fileNotUTF8(path: path, byteOffset: bad) }
        let model = try WordPieceModel(
            vocabulary: Self.vocabularyLines(bytes).enumerated().map { (token: $1, id: Int32($0)) },
            unknownToken: configuration.unknownToken, source: path, field: "unk_token")
        let specials = configuration.addedTokens ?? [
            configuration.unknownToken, configuration.separatorToken, configuration.paddingToken,
            configuration.classifierToken, configuration.maskToken,
        ].map { AddedToken(content: $0, special: true) }
        let normalizer = BertNormalizer(cleanText: true, handleChineseChars: configuration.handleChineseChars,
                                        stripAccents: configuration.stripAccents, lowercase: configuration.lowercase)
        let added = AddedVocabulary(specials, modelID: { model.id(of: $0) }, modelCount: model.vocabularyCount,
                                    normalizer: normalizer)
        func idOf(_ token: String) -> Int32? { added.id(of: token) ?? model.id(of: token) }
        guard let cls = idOf(configuration.classifierToken) else {
            throw .missingToken(path: path, field: "cls_token", token: configuration.classifierToken)
        }
        guard let sep = idOf(configuration.separatorToken) else {
            throw .missingToken(path: path, field: "sep_token", token: configuration.separatorToken)
        }
        self.init(model: model, normalizer: normalizer, preTokenizer: BertPreTokenizer(),
                  postProcessor: .bert(cls: (configuration.classifierToken, cls), sep: (configuration.separatorToken, sep)),
                  addedTokens: specials)
    }

    /// The lines of a vocabulary file as Python's `readlines()` (universal newlines) then
    /// `rstrip("\n")` gives them: split at `\n`, `\r\n` or `\r`; no empty token after a final newline.
    static func vocabularyLines(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }
}

/// Typed reads of `tokenizer_config.json`, naming the file and field in errors.
private struct TokenizerConfigReader {
    let root: JSONValue
    let path: String

    func bool(_ key: String) throws(TokenizerError) -> Bool? {
        guard let v = root[key], v != .null else { return nil }
        guard case .bool(let b) = v else {
            throw .invalidField(path: path, field: key, expected: "true, false or null", found: v.kindDescription)
        }
        return b
    }

    /// A special token given as `"[UNK]"` or as `{"content": "[UNK]", ...}`.
    func tokenContent(_ key: String) throws(TokenizerError) -> String? {
        guard let v = root[key], v != .null else { return nil }
        if case .string(let s) = v { return s }
        if case .string(let s)? = v["content"] { return s }
        throw .invalidField(path: path, field: key, expected: "a token string or {\"content\": ...}", found: v.kindDescription)
    }

    /// `added_tokens_decoder`: `{"100": {"content": "[UNK]", "special": true, ...}, ...}`, in id order.
    func addedTokensDecoder() throws(TokenizerError) -> [AddedToken]? {
        guard let v = root["added_tokens_decoder"], v != .null else { return nil }
        guard case .object(let members) = v else {
            throw .invalidField(path: path, field: "added_tokens_decoder", expected: "an object", found: v.kindDescription)
        }
        var result: [(Int, AddedToken)] = []
        for (key, entry) in members {
            let field = "added_tokens_decoder[\"\(key)\"]"
            guard let id = Int(key) else {
                throw .invalidField(path: path, field: field, expected: "an integer id as key", found: "\"\(key)\"")
            }
            guard case .string(let content)? = entry["content"] else { throw .missingField(path: path, field: "\(field).content") }
            func flag(_ name: String, _ fallback: Bool) throws(TokenizerError) -> Bool {
                guard let f = entry[name], f != .null else { return fallback }
                guard case .bool(let b) = f else {
                    throw .invalidField(path: path, field: "\(field).\(name)", expected: "true or false", found: f.kindDescription)
                }
                return b
            }
            let special = try flag("special", false)
            result.append((id, AddedToken(content: content, singleWord: try flag("single_word", false),
                                          leftStrip: try flag("lstrip", false), rightStrip: try flag("rstrip", false),
                                          normalized: try flag("normalized", !special), special: special)))
        }
        return result.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
