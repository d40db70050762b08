/// One row of a BRIGHT `examples` file: a query, its gold documents and the documents that
/// must not count for it.
public struct BRIGHTExample: Sendable, Hashable {
    public var id: String
    public var query: String
    /// The reasoning trace BRIGHT ships with the query (empty when absent).
    public var reasoning: String
    /// The relevant passage ids: the qrels, each at relevance 1.
    public var goldIDs: [String]
    /// The relevant ids in BRIGHT's long-document setting.
    public var goldIDsLong: [String]
    /// Ids to drop from this query's results before scoring. BRIGHT writes `["N/A"]` for none;
    /// that placeholder is removed when reading, so this is empty then.
    public var excludedIDs: [String]
    public var goldAnswer: String?

    public init(
        id: String, query: String, reasoning: String = "", goldIDs: [String], goldIDsLong: [String] = [],
        excludedIDs: [String] = [], goldAnswer: String? = nil
    ) {
        self.id = id
        self.query = query
        self.reasoning = reasoning
        self.goldIDs = goldIDs
        self.goldIDsLong = goldIDsLong
        self.excludedIDs = excludedIDs.filter { $0 != BRIGHTExample.noExclusion }
        self.goldAnswer = goldAnswer
    }

    /// BRIGHT's placeholder for "no excluded ids".
    public static let noExclusion = "N/A"

    /// Required fields: `id`, `query`, `gold_ids`. `reasoning`, `gold_ids_long`, `excluded_ids`
    /// and `gold_answer` may be absent.
    init(row: JSONRow) throws(EvaluationError) {
        self.init(
            id: try row.identifier("id"),
            query: try row.string("query"),
            reasoning: try row.optionalString("reasoning") ?? "",
            goldIDs: try row.identifiers("gold_ids"),
            goldIDsLong: try row.optionalIdentifiers("gold_ids_long") ?? [],
            excludedIDs: try row.optionalIdentifiers("excluded_ids") ?? [],
            goldAnswer: try row.optionalString("gold_answer"))
    }
}

extension [BRIGHTExample] {
    /// BRIGHT's qrels: every `gold_ids` entry at relevance 1.
    public var qrels: Qrels {
        var qrels = Qrels(minimumCapacity: count)
        for example in self {
            var judgments = qrels[example.id] ?? [:]
            for id in example.goldIDs { judgments[id] = 1 }
            qrels[example.id] = judgments
        }
        return qrels
    }

    /// The ids to drop from each query's results (queries without any are left out).
    public var excludedIDs: [String: Set<String>] {
        var excluded: [String: Set<String>] = [:]
        for example in self where !example.excludedIDs.isEmpty {
            if excluded[example.id] == nil {
                excluded[example.id] = Set(example.excludedIDs)
            } else {
                excluded[example.id]!.formUnion(example.excludedIDs)
            }
        }
        return excluded
    }
}
