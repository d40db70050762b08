/// One hit of a search: a document id and its score (higher is better).
public struct ScoredDocument: Sendable, Hashable {
    public var id: String
    public var score: Double

    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}
