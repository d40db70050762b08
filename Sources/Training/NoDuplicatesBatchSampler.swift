import Models

/// Batches with no text twice (across columns), as sentence-transformers' `NoDuplicatesBatchSampler`:
/// the rows are shuffled (seeded by `seed + epoch`), then each batch takes, in shuffled order, every
/// row that shares no text with the rows already in it; rows that clash wait for a later batch, in
/// their order. The last batch may be smaller (`drop_last` off, sentence-transformers' default).
public struct NoDuplicatesBatchSampler: Sendable {
    public let batchSize: Int
    public let seed: UInt64

    public init(batchSize: Int, seed: UInt64) {
        precondition(batchSize >= 1, "batch size must be at least 1")
        self.batchSize = batchSize
        self.seed = seed
    }

    /// A seeded Fisher–Yates permutation of `0..<count` (the same on every platform).
    public static func permutation(_ count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var random = SeededRandomGenerator(seed: seed)
        var i = count - 1
        while i > 0 {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The batches (row indices) of one epoch.
    public func batches(_ examples: [TrainingExample], epoch: Int) -> [[Int]] {
        var remaining = Self.permutation(examples.count, seed: seed &+ UInt64(epoch))
        var batches: [[Int]] = []
        while !remaining.isEmpty {
            var seen = Set<String>(), batch: [Int] = [], deferred: [Int] = []
            var position = 0
            while position < remaining.count && batch.count < batchSize {
                let index = remaining[position]
                position += 1
                let texts = examples[index].texts
                if texts.contains(where: seen.contains) {
                    deferred.append(index)
                    continue
                }
                batch.append(index)
                seen.formUnion(texts)
            }
            batches.append(batch)
            remaining = deferred + remaining[position...]
        }
        return batches
    }
}
