/// How retriever scores are put on a scale before they are mixed with LLM scores.
///
/// ReasonIR mixes raw scores (`none`): its dense retriever's cosine scores already lie near
/// [0, 1]. BM25 scores do not (SciFact's run from about 5 to 60), so that raw they would swamp
/// the LLM's 0–1; `minMax` (the default) maps each query's reranked candidates to [0, 1].
public enum ScoreNormalization: String, Sendable, CaseIterable, Hashable {
    /// Scores as the retriever gave them.
    case none
    /// `(s - min) / (max - min)` over the query's candidates; all 1 when they are equal.
    case minMax = "min-max"
    /// `s / max` over the query's candidates (for positive scores).
    case max

    public func apply(_ scores: [Double]) -> [Double] {
        guard let low = scores.min(), let high = scores.max() else { return scores }
        switch self {
        case .none:
            return scores
        case .minMax:
            return high > low ? scores.map { ($0 - low) / (high - low) } : scores.map { _ in 1 }
        case .max:
            return high != 0 ? scores.map { $0 / high } : scores
        }
    }
}
