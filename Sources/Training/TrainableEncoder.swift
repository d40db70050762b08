import Foundation
import Models
import Tensor

/// Texts of one column of a contrastive batch, tokenized and padded.
public struct TokenizedTexts: Sendable {
    public let batch: TokenBatch
    /// How many texts were cut at the maximum length.
    public let truncated: Int

    public init(batch: TokenBatch, truncated: Int) {
        self.batch = batch
        self.truncated = truncated
    }
}

/// What the loss, GradCache, the optimizer and the trainer need from a model: trainable parameters,
/// a forward pass to one embedding per text that can keep what its backward pass needs, and that
/// backward pass. BERT is one; nothing outside the model assumes its architecture.
public protocol TrainableEncoder: AnyObject {
    associatedtype Tape

    /// Every trainable parameter, in the order they are saved and updated.
    var parameters: [Parameter] { get }
    /// The length of an embedding.
    var dimension: Int { get }

    /// Tokenizes `texts` (special tokens added, cut at the model's maximum length) into one padded batch.
    func tokenize(_ texts: [String]) -> TokenizedTexts

    /// Embeds a batch (`[batchSize, dimension]`); with `keepTape`, also what ``backward(_:embeddingGradient:)`` needs.
    func encode(_ batch: TokenBatch, keepTape: Bool) throws -> (embeddings: Matrix, tape: Tape?)

    /// Adds to the parameters' gradients those of `Σ embeddings ⊙ embeddingGradient`.
    func backward(_ tape: Tape, embeddingGradient: MatrixView)

    /// Writes the model (weights and every file needed to load it) into an existing empty directory.
    func save(to directory: URL) throws
}
