import Tensor

/// The loss of one contrastive batch and its gradients, added to the model's parameter gradients:
/// in one pass (every column embedded with its activations kept), or with GradCache as
/// sentence-transformers' `CachedMultipleNegativesRankingLoss` does it (`miniBatchSize`): embed every
/// piece of `miniBatchSize` texts without keeping activations, take the loss's gradient with respect
/// to the embeddings, then re-run each piece keeping its activations and back-propagate its slice of
/// that gradient. Both give the same gradients (dropout is off); GradCache holds the activations of
/// one piece at a time.
public struct ContrastiveGradients<Model: TrainableEncoder> {
    public let model: Model
    public let loss: MultipleNegativesRankingLoss
    /// `nil`: one pass.
    public let miniBatchSize: Int?

    public init(model: Model, loss: MultipleNegativesRankingLoss, miniBatchSize: Int? = nil) {
        self.model = model
        self.loss = loss
        self.miniBatchSize = miniBatchSize
    }

    /// Adds the gradients of the loss over `columns` (queries, positives, hard negatives: equal counts)
    /// to the parameters' gradients; returns the loss and how many texts were truncated.
    public func accumulate(_ columns: [[String]]) throws -> (loss: Double, truncated: Int) {
        let rows = columns.first?.count ?? 0
        let piece = min(miniBatchSize ?? rows, rows)
        if piece >= rows {
            var truncated = 0
            let encoded = try columns.map { texts -> (embeddings: Matrix, tape: Model.Tape?) in
                let tokens = model.tokenize(texts)
                truncated += tokens.truncated
                return try model.encode(tokens.batch, keepTape: true)
            }
            let result = loss.evaluate(encoded.map { $0.embeddings.view })
            for (e, g) in zip(encoded, result.gradients) { model.backward(e.tape!, embeddingGradient: g.view) }
            return (result.loss, truncated)
        }
        // GradCache: the pieces' tokens are kept (small); their activations are not.
        var truncated = 0
        let ranges = stride(from: 0, to: rows, by: piece).map { $0..<min($0 + piece, rows) }
        let tokens = columns.map { texts in ranges.map { r -> TokenizedTexts in
            let t = model.tokenize(Array(texts[r]))
            truncated += t.truncated
            return t
        } }
        let D = model.dimension
        let embeddings = try tokens.map { pieces -> Matrix in
            let all = Matrix(rows: rows, columns: D)
            for (r, t) in zip(ranges, pieces) {
                let e = try model.encode(t.batch, keepTape: false).embeddings
                all.mutableView.rows(r).copy(from: e.view)
            }
            return all
        }
        let result = loss.evaluate(embeddings.map(\.view))
        for (c, pieces) in tokens.enumerated() {
            for (r, t) in zip(ranges, pieces) {
                let tape = try model.encode(t.batch, keepTape: true).tape!
                model.backward(tape, embeddingGradient: result.gradients[c].view.rows(r))
            }
        }
        return (result.loss, truncated)
    }
}
