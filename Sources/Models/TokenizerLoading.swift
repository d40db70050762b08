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

// ─────────────────────────────────────────────────────────────────────────────────────────────
// TOKENIZER HOOK: the one place that picks the tokenizer for a model directory.
// When the WordPiece tokenizer lands in module `Tokenizers` (branch `wordpiece`), make this return
// it for directories whose tokenizer.json has a WordPiece model (BERT, MiniLM, e5, bge), e.g.
//     return try WordPieceTokenizer(contentsOf: directory.appendingPathComponent("tokenizer.json"))
// `SentenceTransformerEmbedder.load(directory:)` goes through here; everything else takes `any Tokenizer`.
// ─────────────────────────────────────────────────────────────────────────────────────────────
public func loadTokenizer(forModelAt directory: URL) throws -> any Tokenizer {
    let file = directory.appendingPathComponent("tokenizer.json")
    guard FileManager.default.fileExists(atPath: file.path) else {
        throw EmbedderError.tokenizerUnavailable(directory: directory.path, reason: "no tokenizer.json")
    }
    throw EmbedderError.tokenizerUnavailable(
        directory: directory.path,
        reason: "the WordPiece tokenizer is not in module Tokenizers yet; pass a Tokenizer to SentenceTransformerEmbedder(directory:tokenizer:)")
}
