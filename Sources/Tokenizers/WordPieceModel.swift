/// The WordPiece model, equal to `tokenizers`' `WordPiece`: each word is split greedily into the
/// longest prefix found in the vocabulary, then the longest `##`-prefixed continuation, and so
/// on. A word that cannot be covered, or that has more than `maxInputCharsPerWord` characters
/// (Unicode scalars), becomes the single unknown token.
public struct WordPieceModel: Sendable {
    public let unknownToken: String
    public let continuingSubwordPrefix: String
    public let maxInputCharsPerWord: Int
    public let unknownTokenID: Int32

    /// Every token, keyed by its full text.
    let vocabulary: TokenTable
    /// Tokens that start with `continuingSubwordPrefix`, keyed by the text after the prefix, so
    /// probing a continuation needs no string concatenation.
    let continuations: TokenTable

    /// Builds the model. Tokens are given in order; a repeated token keeps its last id, as in a
    /// Rust `HashMap` filled in order. Throws `missingToken` when `unknownToken` is not in the
    /// vocabulary; `source` and `field` name where the vocabulary came from in that message.
    public init(
        vocabulary tokens: [(token: String, id: Int32)],
        unknownToken: String = "[UNK]",
        continuingSubwordPrefix: String = "##",
        maxInputCharsPerWord: Int = 100,
        source: String = "WordPiece vocabulary",
        field: String = "model.unk_token"
    ) throws(TokenizerError) {
        var vocabulary = TokenTable(minimumCapacity: tokens.count)
        var continuations = TokenTable(minimumCapacity: tokens.count)
        let prefixBytes = Array(continuingSubwordPrefix.utf8)
        for (token, id) in tokens {
            vocabulary.insert(token, id: id)
            if token.utf8.starts(with: prefixBytes) {
                continuations.insert(token, droppingFirstBytes: prefixBytes.count, id: id)
            }
        }
        guard let unknownID = vocabulary.id(of: unknownToken) else {
            throw .missingToken(path: source, field: field, token: unknownToken)
        }
        self.vocabulary = vocabulary
        self.continuations = continuations
        self.unknownToken = unknownToken
        self.unknownTokenID = unknownID
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// The number of distinct tokens (Rust's `vocab.len()`).
    public var vocabularyCount: Int { vocabulary.count }

    /// The id of `token`, matched byte for byte.
    public func id(of token: String) -> Int32? { vocabulary.id(of: token) }

    /// All (token, id) pairs, in the order they were first given.
    public var tokens: [(token: String, id: Int32)] {
        Array(zip(vocabulary.strings, vocabulary.ids)).map { (token: $0, id: $1) }
    }

    /// Tokenizes one word (convenient for tests; no normalization or splitting happens here).
    public func tokenize(_ word: String) -> [(token: String, id: Int32)] {
        let scalars = word.unicodeScalars.map(\.value)
        var scratch = WordPieceScratch()
        var ids: [Int32] = []
        var pieces: [String] = []
        scalars.withUnsafeBufferPointer { tokenize($0, scratch: &scratch, ids: &ids, tokens: &pieces) }
        return Array(zip(pieces, ids)).map { (token: $0, id: $1) }
    }

    /// Appends the pieces of `word` (Unicode scalar values) to `ids` and `tokens`.
    func tokenize(_ word: UnsafeBufferPointer<UInt32>, scratch: inout WordPieceScratch, ids: inout [Int32], tokens: inout [String]) {
        let n = word.count
        if n == 0 { return }
        if n > maxInputCharsPerWord {
            ids.append(unknownTokenID)
            tokens.append(unknownToken)
            return
        }
        // UTF-8 bytes of the word and the byte offset at which each scalar starts.
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.offsets.removeAll(keepingCapacity: true)
        for c in word {
            scratch.offsets.append(Int32(scratch.bytes.count))
            if c < 0x80 {
                scratch.bytes.append(UInt8(c))
            } else {
                for b in Unicode.Scalar(c)!.utf8 { scratch.bytes.append(b) }
            }
        }
        scratch.offsets.append(Int32(scratch.bytes.count))

        let firstNew = ids.count
        var ok = true
        scratch.bytes.withUnsafeBufferPointer { bytes in
            scratch.offsets.withUnsafeBufferPointer { offsets in
                var start = 0
                while start < n {
                    let first = start == 0
                    let maxKey = first ? vocabulary.maxKeyLength : continuations.maxKeyLength
                    let from = Int(offsets[start])
                    var end = n
                    var found = -1
                    while end > start {
                        let length = Int(offsets[end]) - from
                        if length <= maxKey {
                            let key = UnsafeBufferPointer(rebasing: bytes[from..<(from + length)])
                            if let e = first ? vocabulary.entry(for: key) : continuations.entry(for: key) {
                                found = e
                                break
                            }
                        }
                        end -= 1
                    }
                    guard found >= 0 else { ok = false; return }
                    if first {
                        ids.append(vocabulary.ids[found])
                        tokens.append(vocabulary.strings[found])
                    } else {
                        ids.append(continuations.ids[found])
                        tokens.append(continuations.strings[found])
                    }
                    start = end
                }
            }
        }
        if !ok {
            ids.removeSubrange(firstNew...)
            tokens.removeSubrange(firstNew...)
            ids.append(unknownTokenID)
            tokens.append(unknownToken)
        }
    }
}

/// Reusable buffers for `WordPieceModel.tokenize`.
struct WordPieceScratch {
    var bytes: [UInt8] = []
    var offsets: [Int32] = []
}
