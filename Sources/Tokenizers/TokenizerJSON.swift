import Foundation
import JSON

/// A Hugging Face `tokenizer.json`, parsed, with typed readers for its sections. Every error
/// names the file and the field (e.g. `normalizer.lowercase`).
struct TokenizerJSON {
    let path: String
    let root: JSONValue

    init(contentsOf url: URL) throws(TokenizerError) {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path) }
        try self.init(bytes: [UInt8](data), path: path)
    }

    init(bytes: [UInt8], path: String) throws(TokenizerError) {
        self.path = path
        root = try JSONParser.parse(bytes, path: path)
        guard case .object = root else {
            throw .invalidField(path: path, field: "(top level)", expected: "an object", found: root.kindDescription)
        }
        if let version = root["version"], version != .null {
            let v = try string(version, "version")
            guard v == "1.0" else {
                throw .invalidField(path: path, field: "version", expected: "\"1.0\"", found: "\"\(v)\"")
            }
        }
    }

    // MARK: Sections

    /// `model.type`; for old files without it, inferred from the fields as `tokenizers` does.
    func modelType() throws(TokenizerError) -> String {
        guard let model = root["model"], model != .null else { throw .missingField(path: path, field: "model") }
        guard case .object = model else {
            throw .invalidField(path: path, field: "model", expected: "an object", found: model.kindDescription)
        }
        if let type = model["type"] { return try string(type, "model.type") }
        if model["merges"] != nil { return "BPE" }
        if case .array? = model["vocab"] { return "Unigram" }
        if model["continuing_subword_prefix"] != nil || model["max_input_chars_per_word"] != nil { return "WordPiece" }
        if model["vocab"] != nil, model["unk_token"] != nil { return "WordLevel" }
        throw .missingField(path: path, field: "model.type")
    }

    /// `model` as a WordPiece model.
    func wordPieceModel() throws(TokenizerError) -> WordPieceModel {
        guard let model = root["model"] else { throw .missingField(path: path, field: "model") }
        let unk = try string(model["unk_token"], "model.unk_token")
        let prefix = try model["continuing_subword_prefix"].map { v throws(TokenizerError) in
            try string(v, "model.continuing_subword_prefix")
        } ?? "##"
        let maxChars = try model["max_input_chars_per_word"].map { v throws(TokenizerError) in
            try int(v, "model.max_input_chars_per_word", range: 0...Int.max)
        } ?? 100
        guard let vocab = model["vocab"] else { throw .missingField(path: path, field: "model.vocab") }
        guard case .object(let members) = vocab else {
            throw .invalidField(path: path, field: "model.vocab", expected: "an object of token: id",
                                found: vocab.kindDescription)
        }
        var tokens: [(token: String, id: Int32)] = []
        tokens.reserveCapacity(members.count)
        for (token, value) in members {
            guard let id = value.int, id >= 0, id <= Int(Int32.max) else {
                throw .invalidField(path: path, field: "model.vocab[\"\(token)\"]", expected: "a non-negative integer id",
                                    found: value.kindDescription)
            }
            tokens.append((token, Int32(id)))
        }
        return try WordPieceModel(vocabulary: tokens, unknownToken: unk, continuingSubwordPrefix: prefix,
                                  maxInputCharsPerWord: maxChars, source: path, field: "model.unk_token")
    }

    /// `added_tokens`, in file order. (Their `id` fields are not used: as in `tokenizers`, an
    /// added token takes the model's id for the same text, or the next free id after it.)
    func addedTokens() throws(TokenizerError) -> [AddedToken] {
        guard let list = root["added_tokens"], list != .null else { return [] }
        guard case .array(let items) = list else {
            throw .invalidField(path: path, field: "added_tokens", expected: "an array", found: list.kindDescription)
        }
        var tokens: [AddedToken] = []
        for (i, item) in items.enumerated() {
            let field = "added_tokens[\(i)]"
            guard case .object = item else {
                throw .invalidField(path: path, field: field, expected: "an object", found: item.kindDescription)
            }
            let special = try bool(item["special"], "\(field).special", default: false)
            tokens.append(AddedToken(
                content: try string(item["content"], "\(field).content"),
                singleWord: try bool(item["single_word"], "\(field).single_word", default: false),
                leftStrip: try bool(item["lstrip"], "\(field).lstrip", default: false),
                rightStrip: try bool(item["rstrip"], "\(field).rstrip", default: false),
                normalized: try bool(item["normalized"], "\(field).normalized", default: !special),
                special: special))
        }
        return tokens
    }

    /// `normalizer`: null, `BertNormalizer`, or a `Sequence` holding just one `BertNormalizer`.
    func bertNormalizer() throws(TokenizerError) -> BertNormalizer? {
        try bertNormalizer(root["normalizer"], "normalizer")
    }

    private func bertNormalizer(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> BertNormalizer? {
        guard let n = value, n != .null else { return nil }
        let type = try string(n["type"], "\(field).type")
        switch type {
        case "BertNormalizer":
            let strip: Bool?
            if let s = n["strip_accents"], s != .null { strip = try bool(s, "\(field).strip_accents", default: false) } else { strip = nil }
            return BertNormalizer(
                cleanText: try bool(n["clean_text"], "\(field).clean_text", default: true),
                handleChineseChars: try bool(n["handle_chinese_chars"], "\(field).handle_chinese_chars", default: true),
                stripAccents: strip,
                lowercase: try bool(n["lowercase"], "\(field).lowercase", default: true))
        case "Sequence":
            if case .array(let items)? = n["normalizers"] {
                if items.isEmpty { return nil }
                if items.count == 1 { return try bertNormalizer(items[0], "\(field).normalizers[0]") }
            }
            throw .unsupportedComponent(path: path, field: "\(field).type", type: "Sequence of several normalizers")
        default:
            throw .unsupportedComponent(path: path, field: "\(field).type", type: type)
        }
    }

    /// `pre_tokenizer`: null, `BertPreTokenizer`, or a `Sequence` holding just one.
    func bertPreTokenizer() throws(TokenizerError) -> BertPreTokenizer? {
        try bertPreTokenizer(root["pre_tokenizer"], "pre_tokenizer")
    }

    private func bertPreTokenizer(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> BertPreTokenizer? {
        guard let p = value, p != .null else { return nil }
        let type = try string(p["type"], "\(field).type")
        switch type {
        case "BertPreTokenizer":
            return BertPreTokenizer()
        case "Sequence":
            if case .array(let items)? = p["pretokenizers"] {
                if items.isEmpty { return nil }
                if items.count == 1 { return try bertPreTokenizer(items[0], "\(field).pretokenizers[0]") }
            }
            throw .unsupportedComponent(path: path, field: "\(field).type", type: "Sequence of several pre-tokenizers")
        default:
            throw .unsupportedComponent(path: path, field: "\(field).type", type: type)
        }
    }

    /// `post_processor` reduced to its single-sequence template, or nil when absent.
    func postProcessor() throws(TokenizerError) -> TemplatePostProcessor? {
        guard let p = root["post_processor"], p != .null else { return nil }
        return try postProcessor(p, "post_processor")
    }

    private func postProcessor(_ p: JSONValue, _ field: String) throws(TokenizerError) -> TemplatePostProcessor {
        let type = try string(p["type"], "\(field).type")
        switch type {
        case "TemplateProcessing":
            return try template(p, field)
        case "BertProcessing", "RobertaProcessing":
            let cls = try tokenAndID(p["cls"], "\(field).cls")
            let sep = try tokenAndID(p["sep"], "\(field).sep")
            return .bert(cls: cls, sep: sep)
        case "ByteLevel":
            return .identity
        case "Sequence":
            guard case .array(let items)? = p["processors"] else {
                throw .invalidField(path: path, field: "\(field).processors", expected: "an array",
                                    found: p["processors"]?.kindDescription ?? "nothing")
            }
            var result = TemplatePostProcessor.identity
            for (i, item) in items.enumerated() {
                result = result.followed(by: try postProcessor(item, "\(field).processors[\(i)]"))
            }
            return result
        default:
            throw .unsupportedComponent(path: path, field: "\(field).type", type: type)
        }
    }

    /// `["[CLS]", 101]`.
    private func tokenAndID(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> (token: String, id: Int32) {
        guard let value else { throw .missingField(path: path, field: field) }
        guard case .array(let pair) = value, pair.count == 2, case .string(let token) = pair[0], let id = pair[1].int,
              id >= 0, id <= Int(Int32.max) else {
            throw .invalidField(path: path, field: field, expected: "[token, id]", found: value.kindDescription)
        }
        return (token, Int32(id))
    }

    private func template(_ p: JSONValue, _ field: String) throws(TokenizerError) -> TemplatePostProcessor {
        // special_tokens: { "[CLS]": { "id": "[CLS]", "ids": [101], "tokens": ["[CLS]"] }, ... }
        var specials: [String: (ids: [Int32], tokens: [String])] = [:]
        if let s = p["special_tokens"], s != .null {
            guard case .object(let members) = s else {
                throw .invalidField(path: path, field: "\(field).special_tokens", expected: "an object", found: s.kindDescription)
            }
            for (name, entry) in members {
                let f = "\(field).special_tokens[\"\(name)\"]"
                guard case .array(let idValues)? = entry["ids"] else {
                    throw .invalidField(path: path, field: "\(f).ids", expected: "an array of ids",
                                        found: entry["ids"]?.kindDescription ?? "nothing")
                }
                var ids: [Int32] = []
                for (k, v) in idValues.enumerated() { ids.append(Int32(try int(v, "\(f).ids[\(k)]", range: 0...Int(Int32.max)))) }
                var tokens: [String] = []
                if case .array(let tokenValues)? = entry["tokens"] {
                    for (k, v) in tokenValues.enumerated() { tokens.append(try string(v, "\(f).tokens[\(k)]")) }
                }
                guard tokens.count == ids.count else {
                    throw .invalidField(path: path, field: "\(f).tokens", expected: "\(ids.count) tokens (one per id)",
                                        found: "\(tokens.count)")
                }
                specials[name] = (ids, tokens)
            }
        }
        guard let single = p["single"] else { throw .missingField(path: path, field: "\(field).single") }
        guard case .array(let items) = single else {
            throw .invalidField(path: path, field: "\(field).single", expected: "an array of pieces", found: single.kindDescription)
        }
        var pieces: [TemplatePostProcessor.Piece] = []
        for (i, item) in items.enumerated() {
            let f = "\(field).single[\(i)]"
            switch try templatePiece(item, f) {
            case .sequence(let name):
                guard name == "A" else {
                    throw .invalidField(path: path, field: f, expected: "sequence $A in the single template", found: "$\(name)")
                }
                pieces.append(.sequence)
            case .special(let name):
                guard let special = specials[name] else {
                    throw .missingToken(path: path, field: "\(field).special_tokens", token: name)
                }
                pieces.append(.special(ids: special.ids, tokens: special.tokens))
            }
        }
        return TemplatePostProcessor(single: pieces)
    }

    private enum TemplatePiece { case sequence(String), special(String) }

    /// `{"SpecialToken": {"id": "[CLS]", "type_id": 0}}`, `{"Sequence": {"id": "A", "type_id": 0}}`,
    /// or the string forms `"[CLS]:0"`, `"$A:0"`, `"$A"`, `"$0"`.
    private func templatePiece(_ item: JSONValue, _ field: String) throws(TokenizerError) -> TemplatePiece {
        if let s = item["SpecialToken"] { return .special(try string(s["id"], "\(field).SpecialToken.id")) }
        if let s = item["Sequence"] { return .sequence(try string(s["id"], "\(field).Sequence.id")) }
        if case .string(let text) = item {
            var name = Substring(text)
            if let colon = text.lastIndex(of: ":"), Int(text[text.index(after: colon)...]) != nil { name = text[..<colon] }
            if name.hasPrefix("$") {
                let rest = name.dropFirst()
                switch rest {
                case "", "A", "a": return .sequence("A")
                case "B", "b": return .sequence("B")
                default:
                    if Int(rest) != nil { return .sequence("A") }
                }
            }
            return .special(String(name))
        }
        throw .invalidField(path: path, field: field, expected: "a SpecialToken or Sequence piece", found: item.kindDescription)
    }

    /// `truncation.max_length`, or nil when truncation is off.
    func truncationMaxLength() throws(TokenizerError) -> Int? {
        guard let t = root["truncation"], t != .null else { return nil }
        return try int(t["max_length"], "truncation.max_length", range: 0...Int.max)
    }

    // MARK: Typed fields

    func string(_ value: JSONValue?, _ field: String) throws(TokenizerError) -> String {
        guard let value else { throw .missingField(path: path, field: field) }
        guard case .string(let s) = value else {
            throw .invalidField(path: path, field: field, expected: "a string", found: value.kindDescription)
        }
        return s
    }

    func bool(_ value: JSONValue?, _ field: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        guard let value, value != .null else { return fallback }
        guard case .bool(let b) = value else {
            throw .invalidField(path: path, field: field, expected: "true or false", found: value.kindDescription)
        }
        return b
    }

    func int(_ value: JSONValue?, _ field: String, range: ClosedRange<Int>) throws(TokenizerError) -> Int {
        guard let value else { throw .missingField(path: path, field: field) }
        guard let i = value.int, range.contains(i) else {
            throw .invalidField(path: path, field: field, expected: "an integer in \(range.lowerBound)...\(range.upperBound)",
                                found: value.kindDescription)
        }
        return i
    }
}
