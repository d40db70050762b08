import Retrieval

/// MinHash signatures of word shingles, and an LSH table to find near-duplicates without
/// comparing every pair. Two texts whose shingle sets have Jaccard similarity J agree on a
/// signature position with probability J, so the fraction of equal positions estimates J.
public struct MinHasher: Sendable {
    /// Words per shingle.
    public let shingleSize: Int
    /// Signature length: `bands × rows`.
    public let bands: Int
    public let rows: Int
    private let salts: [UInt64]

    /// 5-word shingles, 128 hashes in 32 bands of 4: pairs at J = 0.8 share a band with
    /// probability 1 − (1 − 0.8⁴)³² ≈ 1, pairs at J = 0.3 with ≈ 0.23 (then verified).
    public init(shingleSize: Int = 5, bands: Int = 32, rows: Int = 4, seed: UInt64 = 0x5eed) {
        self.shingleSize = max(1, shingleSize)
        self.bands = max(1, bands)
        self.rows = max(1, rows)
        var state = seed
        salts = (0..<(self.bands * self.rows)).map { _ in Self.splitMix(&state) }
    }

    public var length: Int { bands * rows }

    /// The signature of a text's normalised words; a text shorter than a shingle is one shingle.
    public func signature(_ words: [String]) -> [UInt64] {
        var signature = [UInt64](repeating: .max, count: length)
        let width = min(shingleSize, max(1, words.count))
        guard !words.isEmpty else { return signature }
        for start in 0...(words.count - width) {
            var hasher = FNV1a64()
            for word in words[start..<(start + width)] {
                hasher.update(word.utf8)
                hasher.update(CollectionOfOne(UInt8(0x20)))
            }
            let base = hasher.value
            for i in 0..<signature.count {
                var mixed = base ^ salts[i]
                let h = Self.splitMix(&mixed)
                if h < signature[i] { signature[i] = h }
            }
        }
        return signature
    }

    /// The estimated Jaccard similarity of two signatures.
    public static func similarity(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var equal = 0
        for i in a.indices where a[i] == b[i] { equal += 1 }
        return Double(equal) / Double(a.count)
    }

    /// The hash of one band of a signature (its LSH bucket key).
    func bandKey(_ signature: [UInt64], band: Int) -> UInt64 {
        var hasher = FNV1a64()
        for value in signature[(band * rows)..<((band + 1) * rows)] {
            withUnsafeBytes(of: value.littleEndian) { hasher.update($0) }
        }
        return hasher.value ^ UInt64(band)
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Signatures seen so far, bucketed by band: `firstMatch` finds an earlier text at or above
/// the similarity threshold among those sharing a band.
public struct NearDuplicateIndex {
    public let hasher: MinHasher
    public let threshold: Double
    private var signatures: [[UInt64]] = []
    private var buckets: [UInt64: [Int]] = [:]

    public init(hasher: MinHasher = MinHasher(), threshold: Double) {
        self.hasher = hasher
        self.threshold = threshold
    }

    /// The position (in insertion order) of an earlier signature at least `threshold` similar.
    public func firstMatch(_ signature: [UInt64]) -> Int? {
        var checked = Set<Int>()
        for band in 0..<hasher.bands {
            for candidate in buckets[hasher.bandKey(signature, band: band)] ?? [] where checked.insert(candidate).inserted {
                if MinHasher.similarity(signature, signatures[candidate]) >= threshold { return candidate }
            }
        }
        return nil
    }

    /// Adds a signature; returns its position.
    @discardableResult
    public mutating func insert(_ signature: [UInt64]) -> Int {
        let position = signatures.count
        signatures.append(signature)
        for band in 0..<hasher.bands { buckets[hasher.bandKey(signature, band: band), default: []].append(position) }
        return position
    }
}
