import Foundation
import Models
import ReasonIR

/// The served embedding model: tokenization with the server's limits, then batched forward
/// passes. Its vectors are those of `reasonir embed` (documents: no instruction, the model's
/// lower-casing and truncation to `max_seq_length`).
public final class EmbeddingService: Sendable {
    public let model: EmbeddingModel
    let batcher: EmbeddingBatcher
    /// The ids the post-processor puts around a text ([CLS] … [SEP]), for token-id inputs.
    private let specialPrefix: [Int32]
    private let specialSuffix: [Int32]

    /// The name requests use (`model`), the model directory's name.
    public var name: String { model.identity.name }
    /// The server tokenizes requests itself (limits, token-id inputs): BERT-family models only.
    public let embedder: SentenceTransformerEmbedder
    public var maxSequenceLength: Int { embedder.maxSequenceLength }

    init(model: EmbeddingModel, embedder: SentenceTransformerEmbedder, maxBatchTokens: Int, maxQueuedInputs: Int, metrics: ServerMetrics) {
        self.model = model
        self.embedder = embedder
        batcher = EmbeddingBatcher(embedder: embedder, maxBatchTokens: maxBatchTokens, maxQueuedInputs: maxQueuedInputs,
                                   onBatch: { requests, sequences, tokens, seconds in
                                       metrics.recordBatch(requests: requests, sequences: sequences, tokens: tokens, seconds: seconds)
                                   })
        let empty = embedder.tokenizer.encode("", addSpecialTokens: true, maxLength: nil).ids
        specialPrefix = Array(empty.prefix(1))
        specialSuffix = Array(empty.dropFirst())
    }

    /// The model's ids for `text`. Longer than the model takes: cut when `truncate`, else an
    /// error naming the input (`field`) and its length.
    func tokenize(_ text: String, truncate: Bool, field: String) throws -> [Int32] {
        let input = embedder.configuration.doLowerCase ? text.lowercased() : text
        let tokenizer = embedder.tokenizer
        let ids = tokenizer.encode(input, addSpecialTokens: true, maxLength: nil).ids
        if ids.count <= maxSequenceLength { return ids }
        guard truncate else {
            throw APIError(.tooLarge, "`\(field)` has \(ids.count) tokens, more than the model's \(maxSequenceLength): "
                               + "shorten it or ask for truncation", parameter: field)
        }
        return tokenizer.encode(input, addSpecialTokens: true, maxLength: maxSequenceLength).ids
    }

    /// Token ids a client tokenized itself (no special tokens): checked against the vocabulary and
    /// wrapped in the model's special tokens.
    func wrap(tokenIDs: [Int], truncate: Bool, field: String) throws -> [Int32] {
        let vocabulary = embedder.tokenizer.vocabularySize
        if let bad = tokenIDs.firstIndex(where: { $0 < 0 || $0 >= vocabulary }) {
            throw APIError(.unprocessable, "`\(field)[\(bad)]` is \(tokenIDs[bad]), not a token id of the model (0..<\(vocabulary))",
                           parameter: field)
        }
        let room = maxSequenceLength - specialPrefix.count - specialSuffix.count
        var ids = tokenIDs.map { Int32($0) }
        if ids.count > room {
            guard truncate else {
                throw APIError(.tooLarge, "`\(field)` has \(ids.count) tokens, more than the model's \(room) (special tokens aside)",
                               parameter: field)
            }
            ids = Array(ids.prefix(room))
        }
        return specialPrefix + ids + specialSuffix
    }

    /// The vectors of tokenized inputs, batched with other requests'.
    func embed(_ sequences: [[Int32]]) async throws -> EmbeddingMatrix {
        try await batcher.embed(sequences)
    }

    /// The vectors of texts as queries or documents, batched.
    func embed(texts: [String], truncate: Bool = true, field: String) async throws -> EmbeddingMatrix {
        let sequences = try texts.enumerated().map { try tokenize($1, truncate: truncate, field: "\(field)[\($0)]") }
        return try await embed(sequences)
    }
}
