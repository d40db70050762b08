/// An ordered list of distinct metrics: the order reports and JSON objects use.
public struct MetricSet: Sendable, Hashable, Sequence {
    public let metrics: [Metric]

    /// Duplicates are dropped, keeping the first occurrence.
    public init(_ metrics: [Metric]) {
        var seen = Set<Metric>()
        self.metrics = metrics.filter { seen.insert($0).inserted }
    }

    /// The cut-offs BRIGHT reports: 1, 5, 10, 25, 50, 100.
    public static let brightCutoffs = [1, 5, 10, 25, 50, 100]

    /// What BRIGHT's `calculate_retrieval_metrics` computes, in its order: `ndcg_cut`, `map_cut`,
    /// `recall`, `P` at 1, 5, 10, 25, 50, 100, then `recip_rank`.
    public static let bright = MetricSet(
        brightCutoffs.map(Metric.ndcgCut) + brightCutoffs.map(Metric.mapCut) + brightCutoffs.map(Metric.recall)
            + brightCutoffs.map(Metric.precision) + [.reciprocalRank])

    /// BRIGHT's metrics plus the full `map`.
    public static let standard = MetricSet(bright.metrics + [.averagePrecision])

    public func makeIterator() -> IndexingIterator<[Metric]> { metrics.makeIterator() }
    public var count: Int { metrics.count }
}
