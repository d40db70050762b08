import Foundation

/// A byte-level BPE tokenizer (GPT-2, Llama 3, Qwen2, SmolLM): added and special tokens are found
/// first, the rest is split by a ``PreTokenizerPattern``, written in the byte-level alphabet and
/// merged by a ``ByteLevelBPEModel``.
///
/// Built from a Hugging Face `tokenizer.json` (``TokenizerLoader``) or from GGUF metadata
/// (``init(ggufVocabulary:)``, which `Models` feeds from a `GGUFFile`).
public struct ByteLevelBPETokenizer: Tokenizer {
    public let model: ByteLevelBPEModel
    public let pattern: PreTokenizerPattern
    /// Every added/special token (matched when `parseSpecial` is true).
    private let allAdded: AddedVocabulary
    /// Added tokens that are not special (matched even when `parseSpecial` is false).
    private let plainAdded: AddedVocabulary
    /// Ids whose text is written as-is, not in the byte-level alphabet (added tokens).
    private let rawTextIDs: Set<Int32>
    /// Ids that `decode(skipSpecial: true)` leaves out.
    public let specialIDs: Set<Int32>
    /// What `addSpecial` wraps around a sequence (e.g. BOS first).
    public let template: TemplatePostProcessor
    public let bosID: Int32?
    public let eosID: Int32?
    /// Ids that end generation (EOS, end-of-turn and the like).
    public let endOfGenerationIDs: Set<Int32>

    /// Whether text is put in Unicode NFC first (Qwen2's `tokenizer.json` asks for it).
    public let composesNFC: Bool

    init(model: ByteLevelBPEModel, pattern: PreTokenizerPattern, added: [(AddedToken, Int32)],
         template: TemplatePostProcessor, bosID: Int32?, eosID: Int32?, endOfGeneration: Set<Int32>,
         composesNFC: Bool = false) {
        // With no normalizer, "normalized" added tokens are found in the raw text too.
        let added = added.map { pair -> (AddedToken, Int32) in
            var token = pair.0
            token.normalized = false
            return (token, pair.1)
        }
        self.composesNFC = composesNFC
        self.model = model
        self.pattern = pattern
        let ids = Dictionary(added.map { ($0.0.content, $0.1) }, uniquingKeysWith: { first, _ in first })
        let lookup = { (s: String) in ids[s] ?? model.id(of: s) }
        allAdded = AddedVocabulary(added.map(\.0), modelID: lookup, modelCount: model.count, normalizer: nil)
        plainAdded = AddedVocabulary(added.map(\.0).filter { !$0.special }, modelID: lookup, modelCount: model.count, normalizer: nil)
        rawTextIDs = Set(added.map(\.1))
        specialIDs = Set(added.filter { $0.0.special }.map(\.1))
        self.template = template
        self.bosID = bosID
        self.eosID = eosID
        endOfGenerationIDs = endOfGeneration
    }

    public var vocabularySize: Int { model.count }

    public func id(of token: String) -> Int32? { allAdded.id(of: token) ?? model.id(of: token) }

    /// The vocabulary string of an id (byte-level alphabet for ordinary tokens).
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < model.count ? model.tokens[Int(id)] : nil
    }

    /// Token ids for `text`. `addSpecial` applies the template (BOS and the like); `parseSpecial`
    /// lets special-token text in `text` become those tokens (otherwise it is tokenized as plain text).
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        var ids: [Int32] = []
        let scalars = (composesNFC ? text.precomposedStringWithCanonicalMapping : text).unicodeScalars.map(\.value)
        scalars.withUnsafeBufferPointer { buffer in
            var segments: [TextSegment] = []
            let matcher = parseSpecial ? allAdded.rawMatcher : plainAdded.rawMatcher
            if let matcher {
                matcher.split(buffer, into: &segments)
            } else {
                segments = [TextSegment(range: 0..<buffer.count, tokenID: nil)]
            }
            var utf8: [UInt8] = []
            for segment in segments where !segment.range.isEmpty {
                if let id = segment.tokenID {
                    ids.append(id)
                    continue
                }
                let part = UnsafeBufferPointer(rebasing: buffer[segment.range])
                for piece in pattern.split(part) {
                    utf8.removeAll(keepingCapacity: true)
                    for k in piece { appendUTF8(part[k], to: &utf8) }
                    utf8.withUnsafeBufferPointer { model.encode(piece: $0, into: &ids) }
                }
            }
        }
        return addSpecial ? template.apply(ids: ids, tokens: []).ids : ids
    }

    /// `Tokenizer` conformance: special-token text is parsed, as `tokenizers` does.
    public func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding {
        var ids = encode(text, addSpecial: addSpecialTokens, parseSpecial: true)
        if let maxLength, ids.count > maxLength { ids.removeLast(ids.count - maxLength) }
        return Encoding(ids: ids, tokens: ids.map { token(for: $0) ?? "" })
    }

    /// The text of `ids`: byte-level tokens become their bytes, added tokens their text (left out
    /// with `skipSpecial` when special), and the bytes are read as UTF-8 (invalid sequences become U+FFFD).
    public func decode(_ ids: [Int32], skipSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// The raw bytes of `ids` (for streaming: a token may end inside a UTF-8 sequence).
    public func decodeBytes(_ ids: [Int32], skipSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            guard let text = token(for: id) else { continue }
            if specialIDs.contains(id) {
                if !skipSpecial { bytes += text.utf8 }
            } else if rawTextIDs.contains(id) {
                bytes += text.utf8
            } else if let decoded = ByteLevelAlphabet.decode(text) {
                bytes += decoded
            } else if let byte = Self.fallbackByte(text) {
                bytes.append(byte)
            } else {
                bytes += text.utf8
            }
        }
        return bytes
    }

    /// `<0xAB>` → 0xAB.
    private static func fallbackByte(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16)
    }
}

@inline(__always)
func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
    switch c {
    case 0..<0x80:
        out.append(UInt8(c))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (c >> 6)))
        out.append(UInt8(0x80 | (c & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (c >> 12)))
        out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (c & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (c >> 18)))
        out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (c & 0x3F)))
    }
}
