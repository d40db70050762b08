/// The result of tokenizing one text: ids and the pieces they stand for, special tokens included.
public struct Encoding: Sendable, Hashable {
    public var ids: [Int32]
    public var tokens: [String]

    public init(ids: [Int32], tokens: [String]) {
        self.ids = ids
        self.tokens = tokens
    }

    public var count: Int { ids.count }
}

/// Turns text into token ids, as Hugging Face `tokenizers` does for the same `tokenizer.json`.
public protocol Tokenizer: Sendable {
    /// Tokenizes `text`. With `addSpecialTokens` the model's post-processor wraps it
    /// (e.g. `[CLS] … [SEP]`). With `maxLength`, the result is truncated to at most that many
    /// ids, special tokens included, as the reference truncation does.
    func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding

    /// The id of a token string, if the vocabulary has it.
    func id(of token: String) -> Int32?

    var vocabularySize: Int { get }
}

extension Tokenizer {
    public func encode(_ text: String) -> Encoding {
        encode(text, addSpecialTokens: true, maxLength: nil)
    }
}
