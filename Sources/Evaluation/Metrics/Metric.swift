/// A retrieval measure, as trec_eval (and so pytrec_eval) defines it.
///
/// Cut-off measures treat a ranking shorter than the cut-off as padded with non-relevant
/// documents. "Relevant" means a grade of at least 1.
public enum Metric: Hashable, Sendable, CustomStringConvertible {
    /// nDCG over the first k documents: gain = the grade, discount = log2(rank + 1), normalised by
    /// the DCG of the judged grades sorted in descending order (`ndcg_cut_k`).
    case ndcgCut(Int)
    /// Average precision over the first k documents, divided by the number of relevant documents (`map_cut_k`).
    case mapCut(Int)
    /// Relevant documents in the first k, divided by the number of relevant documents (`recall_k`).
    case recall(Int)
    /// Relevant documents in the first k, divided by k (`P_k`).
    case precision(Int)
    /// 1 / rank of the first relevant document, 0 if none is retrieved (`recip_rank`).
    case reciprocalRank
    /// Average precision over the whole ranking (`map`).
    case averagePrecision

    /// pytrec_eval's key: `ndcg_cut_10`, `map_cut_10`, `recall_10`, `P_10`, `recip_rank`, `map`.
    public var pytrecName: String {
        switch self {
        case .ndcgCut(let k): return "ndcg_cut_\(k)"
        case .mapCut(let k): return "map_cut_\(k)"
        case .recall(let k): return "recall_\(k)"
        case .precision(let k): return "P_\(k)"
        case .reciprocalRank: return "recip_rank"
        case .averagePrecision: return "map"
        }
    }

    /// BRIGHT's key (`calculate_retrieval_metrics`): `NDCG@10`, `MAP@10`, `Recall@10`, `P@10`,
    /// `MRR`; the full average precision, which BRIGHT does not report, is `MAP`.
    public var brightName: String {
        switch self {
        case .ndcgCut(let k): return "NDCG@\(k)"
        case .mapCut(let k): return "MAP@\(k)"
        case .recall(let k): return "Recall@\(k)"
        case .precision(let k): return "P@\(k)"
        case .reciprocalRank: return "MRR"
        case .averagePrecision: return "MAP"
        }
    }

    /// The cut-off, for cut-off measures.
    public var cutoff: Int? {
        switch self {
        case .ndcgCut(let k), .mapCut(let k), .recall(let k), .precision(let k): return k
        case .reciprocalRank, .averagePrecision: return nil
        }
    }

    public var description: String { pytrecName }

    /// Parses a pytrec_eval key (`ndcg_cut_10`, `P_5`, `recip_rank`, `map`) or a BRIGHT key
    /// (`NDCG@10`, `MRR`, …). Cut-offs must be positive.
    public init?(name: String) {
        switch name {
        case "recip_rank", "MRR": self = .reciprocalRank; return
        case "map", "MAP": self = .averagePrecision; return
        default: break
        }
        let families: [(prefix: String, make: (Int) -> Metric)] = [
            ("ndcg_cut_", Metric.ndcgCut), ("map_cut_", Metric.mapCut), ("recall_", Metric.recall), ("P_", Metric.precision),
            ("NDCG@", Metric.ndcgCut), ("MAP@", Metric.mapCut), ("Recall@", Metric.recall), ("P@", Metric.precision),
        ]
        for family in families where name.hasPrefix(family.prefix) {
            guard let k = Int(name.dropFirst(family.prefix.count)), k > 0 else { return nil }
            self = family.make(k)
            return
        }
        return nil
    }
}
