import JSON

extension TokenizerJSON {
    /// The split regexes of Llama 3 and Qwen2 as their `tokenizer.json` files write them.
    static let splitRegexes: [String: PreTokenizerPattern] = [
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .llama3,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#: .qwen2,
    ]

    /// A byte-level BPE tokenizer from `model` (type BPE), `pre_tokenizer`, `added_tokens` and `post_processor`.
    func byteLevelBPETokenizer() throws(TokenizerError) -> ByteLevelBPETokenizer {
        guard let model = root["model"] else { throw .missingField(path: path, field: "model") }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[field], v != .null, try string(v, "model.\(field)") != "" {
                throw .unsupportedComponent(path: path, field: "model.\(field)", type: "BPE with subword affixes")
            }
        }
        guard case .object(let members)? = model["vocab"] else {
            throw .invalidField(path: path, field: "model.vocab", expected: "an object of token: id",
                                found: model["vocab"]?.kindDescription ?? "nothing")
        }
        var byID: [Int: String] = [:]
        for (token, value) in members {
            guard let id = value.int, id >= 0, id < Int(Int32.max) else {
                throw .invalidField(path: path, field: "model.vocab[\"\(token)\"]", expected: "a non-negative integer id",
                                    found: value.kindDescription)
            }
            byID[id] = token
        }
        // Added tokens keep the ids the file gives them (they may lie beyond the model's vocabulary).
        let added = try addedTokens()
        var addedIDs: [Int32] = []
        if case .array(let items)? = root["added_tokens"] {
            for (i, item) in items.enumerated() {
                let id = try int(item["id"], "added_tokens[\(i)].id", range: 0...Int(Int32.max - 1))
                addedIDs.append(Int32(id))
                if byID[id] == nil { byID[id] = added[i].content }
            }
        }
        let count = (byID.keys.max() ?? -1) + 1
        var tokens = [String](repeating: "", count: count)
        for (id, token) in byID { tokens[id] = token }

        guard case .array(let mergeItems)? = model["merges"] else {
            throw .invalidField(path: path, field: "model.merges", expected: "an array", found: model["merges"]?.kindDescription ?? "nothing")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeItems.count)
        for (i, item) in mergeItems.enumerated() {
            switch item {
            case .string(let s):
                let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw .invalidField(path: path, field: "model.merges[\(i)]", expected: "\"left right\"", found: "\"\(s)\"")
                }
                merges.append((String(parts[0]), String(parts[1])))
            case .array(let pair) where pair.count == 2:
                merges.append((try string(pair[0], "model.merges[\(i)][0]"), try string(pair[1], "model.merges[\(i)][1]")))
            default:
                throw .invalidField(path: path, field: "model.merges[\(i)]", expected: "a string or a pair of strings", found: item.kindDescription)
            }
        }
        var unknownID: Int32?
        if let unk = model["unk_token"], unk != .null {
            let token = try string(unk, "model.unk_token")
            guard let id = byID.first(where: { $0.value == token })?.key else {
                throw .missingToken(path: path, field: "model.unk_token", token: token)
            }
            unknownID = Int32(id)
        }
        let path = self.path
        let bpe = try ByteLevelBPEModel(
            tokens: tokens, merges: merges,
            ignoreMerges: try bool(model["ignore_merges"], "model.ignore_merges", default: false),
            byteFallback: try bool(model["byte_fallback"], "model.byte_fallback", default: false),
            unknownID: unknownID,
            badMerge: { i in .invalidField(path: path, field: "model.merges[\(i)]", expected: "a pair of tokens whose join is in the vocabulary",
                                           found: "\(merges[i].0) \(merges[i].1)") })
        return ByteLevelBPETokenizer(
            model: bpe, pattern: try byteLevelPattern(), added: Array(zip(added, addedIDs)),
            template: try postProcessor() ?? .identity, bosID: nil, eosID: nil, endOfGeneration: [],
            composesNFC: try composesNFC())
    }

    /// `normalizer`: null or NFC.
    private func composesNFC() throws(TokenizerError) -> Bool {
        guard let n = root["normalizer"], n != .null else { return false }
        let type = try string(n["type"], "normalizer.type")
        guard type == "NFC" else { throw .unsupportedComponent(path: path, field: "normalizer.type", type: type) }
        return true
    }

    /// Which ``PreTokenizerPattern`` `pre_tokenizer` describes.
    private func byteLevelPattern() throws(TokenizerError) -> PreTokenizerPattern {
        guard let p = root["pre_tokenizer"], p != .null else { throw .missingField(path: path, field: "pre_tokenizer") }
        let type = try string(p["type"], "pre_tokenizer.type")
        if type == "ByteLevel" {
            try checkByteLevel(p, "pre_tokenizer", useRegex: true)
            return .gpt2
        }
        guard type == "Sequence", case .array(let items)? = p["pretokenizers"], items.count == 2 else {
            throw .unsupportedComponent(path: path, field: "pre_tokenizer.type", type: type)
        }
        let firstType = try string(items[0]["type"], "pre_tokenizer.pretokenizers[0].type")
        switch firstType {
        case "Split":
            let regex = try string(items[0]["pattern"]?["Regex"], "pre_tokenizer.pretokenizers[0].pattern.Regex")
            let behavior = try string(items[0]["behavior"], "pre_tokenizer.pretokenizers[0].behavior")
            guard let pattern = Self.splitRegexes[regex], behavior == "Isolated",
                  try !bool(items[0]["invert"], "pre_tokenizer.pretokenizers[0].invert", default: false) else {
                throw .unsupportedComponent(path: path, field: "pre_tokenizer.pretokenizers[0].pattern", type: "Split \(regex) (\(behavior))")
            }
            try checkByteLevel(items[1], "pre_tokenizer.pretokenizers[1]", useRegex: false)
            return pattern
        case "Digits":
            guard try bool(items[0]["individual_digits"], "pre_tokenizer.pretokenizers[0].individual_digits", default: false) else {
                throw .unsupportedComponent(path: path, field: "pre_tokenizer.pretokenizers[0]", type: "Digits (runs)")
            }
            try checkByteLevel(items[1], "pre_tokenizer.pretokenizers[1]", useRegex: true)
            return .smollm
        default:
            throw .unsupportedComponent(path: path, field: "pre_tokenizer.pretokenizers[0].type", type: firstType)
        }
    }

    private func checkByteLevel(_ p: JSONValue, _ field: String, useRegex: Bool) throws(TokenizerError) {
        let type = try string(p["type"], "\(field).type")
        guard type == "ByteLevel" else { throw .unsupportedComponent(path: path, field: "\(field).type", type: type) }
        if try bool(p["add_prefix_space"], "\(field).add_prefix_space", default: false) {
            throw .unsupportedComponent(path: path, field: "\(field).add_prefix_space", type: "ByteLevel with a prefix space")
        }
        guard try bool(p["use_regex"], "\(field).use_regex", default: true) == useRegex else {
            throw .unsupportedComponent(path: path, field: "\(field).use_regex", type: "ByteLevel use_regex \(!useRegex)")
        }
    }
}
