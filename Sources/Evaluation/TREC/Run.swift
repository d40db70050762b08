import Retrieval

/// A retrieval run: for each query, in the order queries were added, its scored documents in the
/// order they were added.
///
/// Metrics ignore that order (trec_eval re-sorts by score); it is the order `write(to:)` ranks in,
/// and the order a stable sort keeps for equal scores when a run is cut to a depth.
public struct Run: Sendable, Equatable {
    /// Query ids in order of first appearance.
    public private(set) var queryIDs: [String] = []
    private var rankings: [String: [ScoredDocument]] = [:]

    public init() {}

    /// A run from rankings in the given query order; a query id given twice keeps the last ranking.
    public init(_ rankings: [(queryID: String, documents: [ScoredDocument])]) {
        for (queryID, documents) in rankings { setRanking(documents, for: queryID) }
    }

    /// A run from `query → document → score` maps (the shape pytrec_eval takes). Dictionaries
    /// have no order, so queries and documents are taken in id order.
    public init(scores: [String: [String: Double]]) {
        for queryID in scores.keys.sorted() {
            let documents = scores[queryID]!.sorted { $0.key < $1.key }.map { ScoredDocument(id: $0.key, score: $0.value) }
            setRanking(documents, for: queryID)
        }
    }

    /// The number of queries.
    public var count: Int { queryIDs.count }
    public var isEmpty: Bool { queryIDs.isEmpty }

    /// The documents of `queryID`, or nil when the run has no such query.
    public subscript(queryID: String) -> [ScoredDocument]? {
        rankings[queryID]
    }

    /// Adds a document at the end of `queryID`'s ranking, adding the query if it is new.
    public mutating func append(_ document: ScoredDocument, to queryID: String) {
        if rankings[queryID] == nil { queryIDs.append(queryID) }
        rankings[queryID, default: []].append(document)
    }

    /// Replaces (or adds) the ranking of `queryID`.
    public mutating func setRanking(_ documents: [ScoredDocument], for queryID: String) {
        if rankings[queryID] == nil { queryIDs.append(queryID) }
        rankings[queryID] = documents
    }
}
