import Retrieval

/// Hard negatives mined with BRIGHT's BM25: the query's ranking over the corpus, the top
/// `skipTop` ranks left out (they are too likely to be unlabelled positives), the positive and
/// its duplicates never taken; the next `count` documents are the negatives.
public struct BM25NegativeMiner: Sendable {
    public let index: BM25Index
    public var skipTop: Int
    public var count: Int
    public var parameters: BM25Parameters

    public init(index: BM25Index, skipTop: Int = 20, count: Int = 1, parameters: BM25Parameters = BM25Parameters()) {
        self.index = index
        self.skipTop = max(0, skipTop)
        self.count = max(0, count)
        self.parameters = parameters
    }

    /// The ids of the negatives for `query`, best ranked first; fewer when the corpus is small.
    public func mine(query: String, excluding positives: Set<String>) -> [String] {
        guard count > 0 else { return [] }
        let ranking = index.search(query, k: skipTop + count + positives.count, variant: .bright, parameters: parameters)
        return Array(ranking.dropFirst(skipTop).lazy.map(\.id).filter { !positives.contains($0) }.prefix(count))
    }
}
