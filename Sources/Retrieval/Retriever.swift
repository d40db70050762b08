/// Anything that ranks documents for queries: BM25 now, dense and hybrid retrievers later.
public protocol Retriever: Sendable {
    /// For each query, the `k` best documents, best first. `excluding` gives per query the
    /// document ids to leave out before the cut (BRIGHT's `excluded_ids`).
    func retrieve(_ queries: [String], k: Int, excluding: [Set<String>]?,
                  progress: any ProgressReporter) throws -> [[ScoredDocument]]
}

/// BM25 over an opened index, in one of its two scorings.
public struct BM25Retriever: Retriever {
    public let index: BM25Index
    public var variant: BM25Variant
    public var parameters: BM25Parameters
    public var threads: Int

    public init(index: BM25Index, variant: BM25Variant = .bright, parameters: BM25Parameters = BM25Parameters(),
                threads: Int = defaultThreadCount) {
        self.index = index
        self.variant = variant
        self.parameters = parameters
        self.threads = threads
    }

    public func retrieve(_ queries: [String], k: Int, excluding: [Set<String>]? = nil,
                         progress: any ProgressReporter = SilentProgress()) -> [[ScoredDocument]] {
        index.search(queries, k: k, variant: variant, parameters: parameters, excluding: excluding,
                     threads: threads, progress: progress)
    }
}
