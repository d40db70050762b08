import Tensor

/// Embeds `sequences` in padded batches of at most `batchSize`, longest first (ties keep input
/// order) so each batch pads little. `poolBatch(batch, indices, out)` fills row `i` of `out`
/// (`indices.count × dimension`) for sequence `indices[i]`; the result is in input order.
func embedInLengthSortedBatches(_ sequences: [[Int32]], batchSize: Int, dimension: Int, padID: Int32,
                                _ poolBatch: (TokenBatch, [Int], Matrix) throws -> Void) rethrows -> EmbeddingMatrix {
    var result = [Float](repeating: 0, count: sequences.count * dimension)
    let order = sequences.indices.sorted { (sequences[$0].count, $1) > (sequences[$1].count, $0) }
    let pooled = Matrix(rows: 0, columns: 0)
    var start = 0
    while start < order.count {
        let chunk = Array(order[start..<min(start + batchSize, order.count)])
        start += chunk.count
        let batch = TokenBatch(sequences: chunk.map { sequences[$0] }, padID: padID)
        pooled.resize(rows: chunk.count, columns: dimension)
        try poolBatch(batch, chunk, pooled)
        result.withUnsafeMutableBufferPointer { out in
            for (row, index) in chunk.enumerated() {
                (out.baseAddress! + index * dimension).update(from: pooled.storage + row * dimension, count: dimension)
            }
        }
    }
    return EmbeddingMatrix(count: sequences.count, dimension: dimension, values: result)
}
