import Foundation
import Tokenizers

/// Errors of the embedders.
public enum EmbedderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No tokenizer implementation for the model directory is available yet.
    case tokenizerUnavailable(directory: String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .tokenizerUnavailable(directory, reason): return "no tokenizer for \(directory): \(reason)"
        case let .invalidArgument(reason): return reason
        }
    }
}

/// The tokenizer of a model directory: `tokenizer.json`, else `vocab.txt` (see `TokenizerLoader`).
public func loadTokenizer(forModelAt directory: URL) throws -> any Tokenizer {
    try TokenizerLoader.load(directory: directory)
}
