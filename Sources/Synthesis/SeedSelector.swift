import Retrieval

/// Which documents of a corpus become seeds, and why the others did not.
public struct SeedSelectionOptions: Sendable {
    /// Length bounds in words, both inclusive.
    public var minWords: Int
    public var maxWords: Int
    /// Documents whose 5-word-shingle MinHash similarity to an earlier kept one reaches this are
    /// near-duplicates (0.8: the usual threshold of web-corpus deduplication).
    public var nearDuplicateThreshold: Double
    /// Documents scoring below this are left out.
    public var minQuality: Double
    /// Keep at most this many seeds, a sample fixed by `sampleSeed`; nil keeps all.
    public var limit: Int?
    public var sampleSeed: UInt64

    public init(minWords: Int = 50, maxWords: Int = 1000, nearDuplicateThreshold: Double = 0.8, minQuality: Double = 3,
                limit: Int? = nil, sampleSeed: UInt64 = 0) {
        self.minWords = minWords
        self.maxWords = maxWords
        self.nearDuplicateThreshold = nearDuplicateThreshold
        self.minQuality = minQuality
        self.limit = limit
        self.sampleSeed = sampleSeed
    }

    public func validate() throws {
        if minWords < 0 || maxWords < minWords {
            throw SynthesisError.invalidSetting(name: "word bounds", reason: "need 0 ≤ min (\(minWords)) ≤ max (\(maxWords))")
        }
        if !(0...1).contains(nearDuplicateThreshold) {
            throw SynthesisError.invalidSetting(name: "near-duplicate threshold", reason: "\(nearDuplicateThreshold) is not in 0…1")
        }
        if let limit, limit < 0 { throw SynthesisError.invalidSetting(name: "limit", reason: "\(limit) is negative") }
    }
}

/// The seeds and what happened to every document read.
public struct SeedSelection: Sendable {
    public var seeds: [Document]
    /// For each seed id, the ids of documents removed as its exact or near duplicates: they must
    /// never be mined as its negatives.
    public var duplicates: [String: [String]]
    public var statistics: SeedStatistics
}

public struct SeedStatistics: Sendable, Codable, Equatable {
    public var read = 0
    public var tooShort = 0
    public var tooLong = 0
    public var lowQuality = 0
    public var exactDuplicates = 0
    public var nearDuplicates = 0
    /// Passed every filter.
    public var eligible = 0
    /// Kept after `limit`.
    public var selected = 0

    public init() {}
}

/// Picks seed documents: length bounds, quality, exact duplicates (same normalised text),
/// near-duplicates (MinHash), in that order, the first of a duplicate group kept; then a fixed
/// sample when there is a limit. The same corpus and options always give the same seeds, which
/// is what lets an interrupted run resume.
public struct SeedSelector: Sendable {
    public var options: SeedSelectionOptions
    public var scorer: any QualityScorer
    public var hasher: MinHasher

    public init(options: SeedSelectionOptions = SeedSelectionOptions(), scorer: any QualityScorer = HeuristicQualityScorer(),
                hasher: MinHasher = MinHasher()) {
        self.options = options
        self.scorer = scorer
        self.hasher = hasher
    }

    public func select(_ documents: some Sequence<Document>) throws -> SeedSelection {
        try options.validate()
        var statistics = SeedStatistics()
        var kept: [Document] = []
        var duplicates: [String: [String]] = [:]
        var exact: [FNV1a64Key: Int] = [:]
        var near = NearDuplicateIndex(hasher: hasher, threshold: options.nearDuplicateThreshold)
        for document in documents {
            statistics.read += 1
            let words = TextMeasures.wordCount(document.text)
            if words < options.minWords { statistics.tooShort += 1; continue }
            if words > options.maxWords { statistics.tooLong += 1; continue }
            if scorer.score(document.text) < options.minQuality { statistics.lowQuality += 1; continue }
            let normalized = TextMeasures.normalizedWords(document.text)
            var fnv = FNV1a64()
            fnv.update(normalized.joined(separator: " ").utf8)
            let key = FNV1a64Key(hash: fnv.value, count: normalized.count)
            if let first = exact[key] {
                statistics.exactDuplicates += 1
                duplicates[kept[first].id, default: []].append(document.id)
                continue
            }
            let signature = hasher.signature(normalized)
            if let match = near.firstMatch(signature) {
                statistics.nearDuplicates += 1
                duplicates[kept[match].id, default: []].append(document.id)
                continue
            }
            exact[key] = kept.count
            near.insert(signature)
            kept.append(document)
        }
        statistics.eligible = kept.count
        if let limit = options.limit, limit < kept.count {
            // A sample by hash of id: stable under reordering of the corpus, kept in corpus order.
            let ranked = kept.indices.sorted { rank(kept[$0].id) < rank(kept[$1].id) }
            let chosen = Set(ranked.prefix(limit))
            kept = kept.indices.filter { chosen.contains($0) }.map { kept[$0] }
        }
        statistics.selected = kept.count
        let keptIDs = Set(kept.map(\.id))
        return SeedSelection(seeds: kept, duplicates: duplicates.filter { keptIDs.contains($0.key) }, statistics: statistics)
    }

    private func rank(_ id: String) -> UInt64 {
        var fnv = FNV1a64()
        withUnsafeBytes(of: options.sampleSeed.littleEndian) { fnv.update($0) }
        fnv.update(id.utf8)
        var state = fnv.value
        return MinHasher.splitMix(&state)
    }
}

/// A normalised text's hash and word count: equal texts have equal keys (a 64-bit collision
/// between different texts of the same length is negligible at corpus scale).
struct FNV1a64Key: Hashable {
    var hash: UInt64
    var count: Int
}
