/// Errors from running a Llama-family model on bad input.
public enum LlamaError: Error, Equatable, Sendable, CustomStringConvertible {
    case tokenOutOfRange(sequence: Int, position: Int, id: Int32, vocabularySize: Int)
    /// A sequence longer than the model's positions (`max_position_embeddings`).
    case sequenceTooLong(length: Int, maximum: Int)
    /// The tokens do not fit in what is left of the key/value cache.
    case contextFull(tokens: Int, cached: Int, capacity: Int)
    case emptyInput
    /// Logits were asked of a checkpoint that has no output layer (a bare `LlamaModel`).
    case noLanguageModelHead
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(s, p, id, v):
            return "token id \(id) at sequence \(s), position \(p) is outside the vocabulary (size \(v))"
        case let .sequenceTooLong(l, m):
            return "sequence of \(l) tokens exceeds the model's \(m) positions (max_position_embeddings)"
        case let .contextFull(tokens, cached, capacity):
            return "\(tokens) tokens do not fit in the context: \(cached) of \(capacity) positions are already used"
        case .emptyInput:
            return "no tokens to run"
        case .noLanguageModelHead:
            return "this checkpoint has no language-model head (lm_head.weight) and untied embeddings, so it cannot generate"
        case let .invalidArgument(reason):
            return reason
        }
    }
}
