/// A byte-level BPE vocabulary and its merges: turns one pre-tokenized piece (raw UTF-8 bytes) into
/// token ids, merging the adjacent pair of lowest rank first (the leftmost on ties), as `tokenizers`
/// and llama.cpp do.
public struct ByteLevelBPEModel: Sendable {
    /// Token strings by id, in the byte-level alphabet (added tokens as written).
    public let tokens: [String]
    let ids: TokenTable
    /// (left id << 32 | right id) → (rank, merged id).
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    /// The id of each byte's single-scalar token, or -1.
    private let byteIDs: [Int32]
    /// `<0xXX>` tokens for bytes that have no byte-level token (`byte_fallback`).
    private let fallbackIDs: [Int32]
    public let ignoreMerges: Bool
    public let unknownID: Int32?

    /// - Parameters:
    ///   - merges: pairs in rank order (first = applied first); a pair whose parts or result are not in
    ///     the vocabulary is reported by index through `badMerge`.
    public init(tokens: [String], merges: [(String, String)], ignoreMerges: Bool, byteFallback: Bool,
                unknownID: Int32?, badMerge: (Int) -> TokenizerError) throws(TokenizerError) {
        self.tokens = tokens
        var table = TokenTable(minimumCapacity: tokens.count)
        for (i, t) in tokens.enumerated() where table.id(of: t) == nil { table.insert(t, id: Int32(i)) }
        ids = table
        var mergeTable: [UInt64: (rank: Int32, id: Int32)] = [:]
        mergeTable.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = table.id(of: a), let right = table.id(of: b), let merged = table.id(of: a + b) else {
                throw badMerge(rank)
            }
            let key = UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
            if mergeTable[key] == nil { mergeTable[key] = (Int32(rank), merged) }
        }
        self.merges = mergeTable
        byteIDs = (0..<256).map { b in
            table.id(of: String(Unicode.Scalar(ByteLevelAlphabet.scalarForByte[b])!)) ?? -1
        }
        fallbackIDs = (0..<256).map { b in
            byteFallback ? table.id(of: "<0x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2) + ">") ?? -1 : -1
        }
        self.ignoreMerges = ignoreMerges
        self.unknownID = unknownID
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int32? { ids.id(of: token) }

    /// Appends the ids of one piece of raw UTF-8.
    public func encode(piece bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if bytes.isEmpty { return }
        if ignoreMerges || bytes.count == 1 {
            // Byte-level text of the piece: a token when the vocabulary has it whole.
            if let id = ids.id(of: ByteLevelAlphabet.encode(bytes)) {
                out.append(id)
                return
            }
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        var unknownBytes: [Int: UInt8] = [:]
        for b in bytes {
            let id = byteIDs[Int(b)]
            if id < 0 { unknownBytes[symbols.count] = b }
            symbols.append(id)
        }
        while symbols.count > 1 {
            var best = -1
            var bestRank = Int32.max
            var bestID: Int32 = 0
            for k in 0..<(symbols.count - 1) {
                let a = symbols[k], b = symbols[k + 1]
                guard a >= 0, b >= 0 else { continue }
                if let m = merges[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))], m.rank < bestRank {
                    best = k
                    bestRank = m.rank
                    bestID = m.id
                }
            }
            if best < 0 { break }
            symbols[best] = bestID
            symbols.remove(at: best + 1)
            if !unknownBytes.isEmpty {
                unknownBytes = Dictionary(uniqueKeysWithValues: unknownBytes.map { ($0.key > best ? $0.key - 1 : $0.key, $0.value) })
            }
        }
        for (k, id) in symbols.enumerated() {
            if id >= 0 {
                out.append(id)
            } else if let b = unknownBytes[k], fallbackIDs[Int(b)] >= 0 {
                out.append(fallbackIDs[Int(b)])
            } else if let unknownID {
                out.append(unknownID)
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
