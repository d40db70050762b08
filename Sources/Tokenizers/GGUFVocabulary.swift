/// The tokenizer fields of a GGUF file (`tokenizer.ggml.*`), as plain values, so this module needs
/// no GGUF reader (`Models` fills it from a `GGUFFile`).
public struct GGUFVocabulary: Sendable {
    /// llama.cpp's token types (`tokenizer.ggml.token_type`).
    public enum TokenType: Int, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// The file, for error messages.
    public var source: String
    /// `tokenizer.ggml.model`: only "gpt2" (byte-level BPE) is supported here.
    public var model: String
    /// `tokenizer.ggml.pre`; nil means llama.cpp's "default".
    public var pre: String?
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`, one per token (nil: every token normal).
    public var tokenTypes: [Int]?
    /// `tokenizer.ggml.merges`: "left right" in rank order.
    public var merges: [String]
    public var bosID: Int?
    public var eosID: Int?
    public var unknownID: Int?
    public var paddingID: Int?
    /// End-of-turn id (`tokenizer.ggml.eot_token_id`), if any.
    public var endOfTurnID: Int?
    public var addBOS: Bool?
    public var addEOS: Bool?

    public init(source: String, model: String, pre: String?, tokens: [String], tokenTypes: [Int]?, merges: [String],
                bosID: Int? = nil, eosID: Int? = nil, unknownID: Int? = nil, paddingID: Int? = nil,
                endOfTurnID: Int? = nil, addBOS: Bool? = nil, addEOS: Bool? = nil) {
        self.source = source
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.endOfTurnID = endOfTurnID
        self.addBOS = addBOS
        self.addEOS = addEOS
    }
}

extension ByteLevelBPETokenizer {
    /// The tokenizer llama.cpp builds from the same GGUF fields: control and unknown tokens are
    /// matched in text only with `parseSpecial`, user-defined tokens always; `addSpecial` adds BOS/EOS
    /// as `add_bos_token`/`add_eos_token` say (BOS by default for the Llama 3 pattern, as llama.cpp).
    public init(ggufVocabulary v: GGUFVocabulary) throws(TokenizerError) {
        let src = v.source
        guard v.model == "gpt2" else {
            throw .unsupportedComponent(path: src, field: "tokenizer.ggml.model", type: v.model)
        }
        let preName = v.pre ?? "default"
        guard let pattern = PreTokenizerPattern(ggufName: preName) else {
            throw .unsupportedComponent(path: src, field: "tokenizer.ggml.pre", type: preName)
        }
        if let types = v.tokenTypes, types.count != v.tokens.count {
            throw .invalidField(path: src, field: "tokenizer.ggml.token_type", expected: "\(v.tokens.count) entries",
                                found: "\(types.count)")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(v.merges.count)
        for (i, m) in v.merges.enumerated() {
            // The separator is the first space after the first byte (a merge's left part may itself be a space).
            let u = Array(m.utf8)
            guard u.count >= 3, let sep = u[1...].firstIndex(of: 0x20) else {
                throw .invalidField(path: src, field: "tokenizer.ggml.merges[\(i)]", expected: "\"left right\"", found: "\"\(m)\"")
            }
            merges.append((String(decoding: u[..<sep], as: UTF8.self), String(decoding: u[(sep + 1)...], as: UTF8.self)))
        }
        func checkedID(_ id: Int?, _ key: String) throws(TokenizerError) -> Int32? {
            guard let id else { return nil }
            guard id >= 0, id < v.tokens.count else {
                throw .invalidField(path: src, field: key, expected: "a token id below \(v.tokens.count)", found: "\(id)")
            }
            return Int32(id)
        }
        let bos = try checkedID(v.bosID, "tokenizer.ggml.bos_token_id")
        let eos = try checkedID(v.eosID, "tokenizer.ggml.eos_token_id")
        let unk = try checkedID(v.unknownID, "tokenizer.ggml.unknown_token_id")
        let eot = try checkedID(v.endOfTurnID, "tokenizer.ggml.eot_token_id")
        let model = try ByteLevelBPEModel(
            tokens: v.tokens, merges: merges, ignoreMerges: pattern == .llama3, byteFallback: false, unknownID: unk,
            badMerge: { i in .invalidField(path: src, field: "tokenizer.ggml.merges[\(i)]",
                                           expected: "a pair of tokens whose join is in the vocabulary", found: "\"\(v.merges[i])\"") })

        var added: [(AddedToken, Int32)] = []
        var endOfGeneration = Set([eos, eot].compactMap { $0 })
        for (i, rawType) in (v.tokenTypes ?? []).enumerated() {
            let type = GGUFVocabulary.TokenType(rawValue: rawType)
            let text = v.tokens[i]
            switch type {
            case .control, .unknown:
                added.append((AddedToken(content: text, normalized: false, special: true), Int32(i)))
                // llama.cpp also ends generation on these control tokens when present.
                if ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<|eom_id|>"].contains(text),
                   type == .control {
                    endOfGeneration.insert(Int32(i))
                }
            case .userDefined:
                added.append((AddedToken(content: text, normalized: false, special: false), Int32(i)))
            default:
                break
            }
        }
        var pieces: [TemplatePostProcessor.Piece] = []
        if v.addBOS ?? (pattern == .llama3), let bos { pieces.append(.special(ids: [bos], tokens: [v.tokens[Int(bos)]])) }
        pieces.append(.sequence)
        if v.addEOS ?? false, let eos { pieces.append(.special(ids: [eos], tokens: [v.tokens[Int(eos)]])) }
        self.init(model: model, pattern: pattern, added: added, template: TemplatePostProcessor(single: pieces),
                  bosID: bos, eosID: eos, endOfGeneration: endOfGeneration)
    }
}
