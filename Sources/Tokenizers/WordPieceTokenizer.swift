import Foundation

/// A complete WordPiece tokenizer (BERT and its relatives), equal to Hugging Face `tokenizers`
/// for the same `tokenizer.json`: added tokens, then `BertNormalizer`, `BertPreTokenizer`,
/// `WordPiece`, and the post-processor's special tokens.
///
/// It is an immutable value: share one instance between threads freely.
public struct WordPieceTokenizer: Tokenizer {
    public let model: WordPieceModel
    public let normalizer: BertNormalizer?
    public let preTokenizer: BertPreTokenizer?
    /// The single-sequence template; nil adds nothing.
    public let postProcessor: TemplatePostProcessor?
    /// The added tokens as configured, in order.
    public let addedTokens: [AddedToken]
    /// `truncation.max_length` from `tokenizer.json`, for information: `encode` truncates only
    /// when asked to (sentence-transformers, for one, uses its own `max_seq_length`).
    public let configuredMaxLength: Int?

    let added: AddedVocabulary

    public init(
        model: WordPieceModel,
        normalizer: BertNormalizer? = BertNormalizer(),
        preTokenizer: BertPreTokenizer? = BertPreTokenizer(),
        postProcessor: TemplatePostProcessor? = nil,
        addedTokens: [AddedToken] = [],
        configuredMaxLength: Int? = nil
    ) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.addedTokens = addedTokens
        self.configuredMaxLength = configuredMaxLength
        added = AddedVocabulary(addedTokens, modelID: { model.id(of: $0) }, modelCount: model.vocabularyCount,
                                normalizer: normalizer)
    }

    /// Loads a `tokenizer.json` whose `model.type` is `WordPiece`.
    public init(tokenizerJSON url: URL) throws(TokenizerError) {
        try self.init(json: TokenizerJSON(contentsOf: url))
    }

    init(json: TokenizerJSON) throws(TokenizerError) {
        let type = try json.modelType()
        guard type == "WordPiece" else { throw .unsupportedModel(path: json.path, type: type) }
        try self.init(
            model: json.wordPieceModel(),
            normalizer: json.bertNormalizer(),
            preTokenizer: json.bertPreTokenizer(),
            postProcessor: json.postProcessor(),
            addedTokens: json.addedTokens(),
            configuredMaxLength: json.truncationMaxLength())
    }

    // MARK: Tokenizer

    public func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding {
        var scratch = EncodeScratch()
        return encode(text, addSpecialTokens: addSpecialTokens, maxLength: maxLength, scratch: &scratch)
    }

    /// Encodes many texts, reusing buffers between them.
    public func encode(_ texts: [String], addSpecialTokens: Bool = true, maxLength: Int? = nil) -> [Encoding] {
        var scratch = EncodeScratch()
        return texts.map { encode($0, addSpecialTokens: addSpecialTokens, maxLength: maxLength, scratch: &scratch) }
    }

    /// The id of a token: an added token first, then the model's vocabulary (as `token_to_id`).
    public func id(of token: String) -> Int32? {
        added.id(of: token) ?? model.id(of: token)
    }

    /// The vocabulary size with added tokens, counting those the model already has once
    /// (`get_vocab_size(with_added_tokens=True)`).
    public var vocabularySize: Int {
        model.vocabularyCount + added.countNotIn(model: { model.id(of: $0) })
    }

    // MARK: Encoding

    func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?, scratch s: inout EncodeScratch) -> Encoding {
        let template = addSpecialTokens ? postProcessor : nil
        let reserved = template?.addedTokenCount ?? 0
        let limit = maxLength.map { max(0, $0 - reserved) } ?? Int.max

        s.raw.removeAll(keepingCapacity: true)
        s.raw.reserveCapacity(text.utf8.count)
        for u in text.unicodeScalars { s.raw.append(u.value) }

        var ids: [Int32] = []
        var tokens: [String] = []
        ids.reserveCapacity(s.raw.count / 4 + 2)
        tokens.reserveCapacity(s.raw.count / 4 + 2)

        s.segments.removeAll(keepingCapacity: true)
        s.raw.withUnsafeBufferPointer { raw in
            if let matcher = added.rawMatcher {
                matcher.split(raw, into: &s.segments)
            } else if raw.count > 0 {
                s.segments.append(TextSegment(range: 0..<raw.count, tokenID: nil))
            }
        }
        var k = 0
        while k < s.segments.count, ids.count < limit {
            let segment = s.segments[k]
            k += 1
            if let id = segment.tokenID {
                ids.append(id)
                tokens.append(Self.string(s.raw[segment.range]))
                continue
            }
            // Normalize this piece of raw text.
            if let normalizer {
                s.raw.withUnsafeBufferPointer { raw in
                    normalizer.normalize(UnsafeBufferPointer(rebasing: raw[segment.range]), into: &s.normalizer)
                }
            } else {
                s.normalizer.output.removeAll(keepingCapacity: true)
                s.normalizer.output.append(contentsOf: s.raw[segment.range])
            }
            // Then look for normalized added tokens in it.
            s.normalizedSegments.removeAll(keepingCapacity: true)
            let normalizedCount = s.normalizer.output.count
            if let matcher = added.normalizedMatcher {
                s.normalizer.output.withUnsafeBufferPointer { matcher.split($0, into: &s.normalizedSegments) }
            } else if normalizedCount > 0 {
                s.normalizedSegments.append(TextSegment(range: 0..<normalizedCount, tokenID: nil))
            }
            for piece in s.normalizedSegments {
                if ids.count >= limit { break }
                if let id = piece.tokenID {
                    ids.append(id)
                    tokens.append(Self.string(s.normalizer.output[piece.range]))
                    continue
                }
                s.words.removeAll(keepingCapacity: true)
                if let preTokenizer {
                    s.normalizer.output.withUnsafeBufferPointer { text in
                        preTokenizer.split(UnsafeBufferPointer(rebasing: text[piece.range]), into: &s.words)
                    }
                } else {
                    s.words.append(0..<piece.range.count)
                }
                s.normalizer.output.withUnsafeBufferPointer { text in
                    let pieceText = UnsafeBufferPointer(rebasing: text[piece.range])
                    for word in s.words {
                        if ids.count >= limit { break }
                        model.tokenize(UnsafeBufferPointer(rebasing: pieceText[word]), scratch: &s.wordPiece,
                                       ids: &ids, tokens: &tokens)
                    }
                }
            }
        }
        if ids.count > limit {
            ids.removeSubrange(limit...)
            tokens.removeSubrange(limit...)
        }
        guard let template else { return Encoding(ids: ids, tokens: tokens) }
        var (outIDs, outTokens) = template.apply(ids: ids, tokens: tokens)
        if let maxLength, outIDs.count > maxLength {
            // Only when maxLength is smaller than the special tokens themselves.
            outIDs.removeSubrange(max(0, maxLength)...)
            outTokens.removeSubrange(max(0, maxLength)...)
        }
        return Encoding(ids: outIDs, tokens: outTokens)
    }

    private static func string(_ scalars: ArraySlice<UInt32>) -> String {
        var view = String.UnicodeScalarView()
        for c in scalars { view.append(Unicode.Scalar(c)!) }
        return String(view)
    }
}

/// Buffers reused from one `encode` to the next.
struct EncodeScratch {
    var raw: [UInt32] = []
    var segments: [TextSegment] = []
    var normalizedSegments: [TextSegment] = []
    var normalizer = NormalizerScratch()
    var words: [Range<Int>] = []
    var wordPiece = WordPieceScratch()
}
