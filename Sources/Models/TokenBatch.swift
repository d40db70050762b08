/// A padded batch of token sequences: `batchSize` rows of `sequenceLength` ids, an attention mask
/// (1 for real tokens, 0 for padding) and token type ids, all row-major.
public struct TokenBatch: Sendable, Equatable {
    public let batchSize: Int
    public let sequenceLength: Int
    public let inputIDs: [Int32]
    public let attentionMask: [Int32]
    public let tokenTypeIDs: [Int32]

    /// Right-padded to the longest sequence with `padID`; mask 1 over each sequence; token types 0
    /// unless given (one list per sequence, same lengths as the sequences).
    public init(sequences: [[Int32]], padID: Int32 = 0, tokenTypes: [[Int32]]? = nil) {
        let length = sequences.map(\.count).max() ?? 0
        var ids = [Int32](repeating: padID, count: sequences.count * length)
        var mask = [Int32](repeating: 0, count: sequences.count * length)
        var types = [Int32](repeating: 0, count: sequences.count * length)
        for (b, seq) in sequences.enumerated() {
            for (t, id) in seq.enumerated() {
                ids[b * length + t] = id
                mask[b * length + t] = 1
            }
            if let tokenTypes {
                precondition(tokenTypes[b].count == seq.count, "token types of sequence \(b) do not match its length")
                for (t, tt) in tokenTypes[b].enumerated() { types[b * length + t] = tt }
            }
        }
        self.init(batchSize: sequences.count, sequenceLength: length, inputIDs: ids, attentionMask: mask, tokenTypeIDs: types)
    }

    /// A batch given row by row (all rows the same length), e.g. as a Hugging Face tokenizer pads it.
    public init(inputIDs: [[Int32]], attentionMask: [[Int32]], tokenTypeIDs: [[Int32]]? = nil) {
        let length = inputIDs.first?.count ?? 0
        precondition(inputIDs.allSatisfy { $0.count == length }, "rows of a padded batch must have the same length")
        precondition(attentionMask.count == inputIDs.count && attentionMask.allSatisfy { $0.count == length }, "mask shape differs from the ids")
        if let tokenTypeIDs {
            precondition(tokenTypeIDs.count == inputIDs.count && tokenTypeIDs.allSatisfy { $0.count == length }, "token type shape differs from the ids")
        }
        self.init(batchSize: inputIDs.count, sequenceLength: length, inputIDs: inputIDs.flatMap { $0 },
                  attentionMask: attentionMask.flatMap { $0 },
                  tokenTypeIDs: tokenTypeIDs?.flatMap { $0 } ?? [Int32](repeating: 0, count: inputIDs.count * length))
    }

    /// Flat row-major arrays of `batchSize * sequenceLength` values each.
    public init(batchSize: Int, sequenceLength: Int, inputIDs: [Int32], attentionMask: [Int32], tokenTypeIDs: [Int32]) {
        let n = batchSize * sequenceLength
        precondition(inputIDs.count == n && attentionMask.count == n && tokenTypeIDs.count == n, "batch arrays must have \(n) values")
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.inputIDs = inputIDs
        self.attentionMask = attentionMask
        self.tokenTypeIDs = tokenTypeIDs
    }

    /// The mask value of token `t` of sequence `b` (non-zero: a real token).
    public func isToken(_ b: Int, _ t: Int) -> Bool { attentionMask[b * sequenceLength + t] != 0 }

    /// One past the last real token of sequence `b` (0 if it has none).
    public func tokenEnd(_ b: Int) -> Int {
        var t = sequenceLength
        while t > 0 && attentionMask[b * sequenceLength + t - 1] == 0 { t -= 1 }
        return t
    }

    /// The number of real tokens of sequence `b`.
    public func tokenCount(_ b: Int) -> Int {
        var n = 0
        for t in 0..<sequenceLength where attentionMask[b * sequenceLength + t] != 0 { n += 1 }
        return n
    }
}
