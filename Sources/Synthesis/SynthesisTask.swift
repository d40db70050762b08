/// What is made from a seed document: one record per seed and task.
public enum SynthesisTask: String, Sendable, Codable, CaseIterable, Hashable {
    /// A hard query (ReasonIR's HQ): a scenario-based question that needs reasoning, which the
    /// seed document helps answer; the seed is its positive.
    case hardQuery = "hq"
    /// Varied-length data (ReasonIR's VL): a query of a chosen length and a document, both
    /// written by the LLM from the seed's subject; the written document is the positive.
    case variedLength = "vl"
}
