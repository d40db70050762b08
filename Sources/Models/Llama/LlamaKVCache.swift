import Tensor

/// The keys and values (after RoPE) of every position a sequence has run through, per layer, so
/// that generation runs one new token at a time. One cache holds one sequence.
public final class LlamaKVCache: @unchecked Sendable {
    /// The most positions it holds.
    public let capacity: Int
    /// Positions filled so far.
    public internal(set) var count = 0
    let keys: [Matrix]
    let values: [Matrix]

    /// `capacity` defaults to the model's `max_position_embeddings`, capped at 4096 positions.
    public init(model: LlamaModel, capacity: Int? = nil) {
        let c = model.config
        let rows = max(1, capacity ?? min(c.maxPositionEmbeddings, 4096))
        let width = c.numKeyValueHeads * c.headDimension
        self.capacity = rows
        keys = (0..<c.numHiddenLayers).map { _ in Matrix(rows: rows, columns: width) }
        values = (0..<c.numHiddenLayers).map { _ in Matrix(rows: rows, columns: width) }
    }

    public var remaining: Int { capacity - count }

    /// Forgets every position (the memory is kept).
    public func reset() { count = 0 }

    /// Keeps the first `length` positions (e.g. a shared prompt prefix) and drops the rest.
    public func truncate(to length: Int) { count = max(0, min(count, length)) }
}
