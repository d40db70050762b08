/// What dense retrieval needs from an index of document vectors: the exact ``FlatDenseIndex``
/// and the approximate ``HNSWIndex`` both serve.
public protocol DenseVectorIndex: Sendable {
    var dimension: Int { get }
    /// Live documents.
    var count: Int { get }
    /// For each query vector (row-major), the `k` best documents, best first; `excluding` drops
    /// ids per query before the cut.
    func searchVectors(_ queries: [Float], k: Int, excluding: [Set<String>]?) throws -> [[ScoredDocument]]
}

extension FlatDenseIndex: DenseVectorIndex {
    public func searchVectors(_ queries: [Float], k: Int, excluding: [Set<String>]?) throws -> [[ScoredDocument]] {
        try search(queries, k: k, excluding: excluding)
    }
}

extension HNSWIndex: DenseVectorIndex {
    public func searchVectors(_ queries: [Float], k: Int, excluding: [Set<String>]?) throws -> [[ScoredDocument]] {
        // Ask for enough that k remain once a query's excluded documents are dropped.
        let extra = excluding?.map(\.count).max() ?? 0
        let rows = try search(queries, k: k + extra, threads: defaultThreadCount)
        return rows.enumerated().map { q, row in
            guard let skip = excluding?[q], !skip.isEmpty else { return Array(row.prefix(k)) }
            return Array(row.lazy.filter { !skip.contains($0.id) }.prefix(k))
        }
    }
}
