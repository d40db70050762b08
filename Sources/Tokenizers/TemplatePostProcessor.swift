/// Adds the special tokens around a single sequence, as `tokenizers`' `TemplateProcessing` does
/// with its `single` template (e.g. `[CLS] $A [SEP]`). `BertProcessing`, `RobertaProcessing`,
/// `ByteLevel` and `Sequence` post-processors reduce to such a template for one sequence.
public struct TemplatePostProcessor: Sendable, Hashable {
    public enum Piece: Sendable, Hashable {
        /// The sequence being encoded (`$A`).
        case sequence
        /// A special token; it may stand for several ids.
        case special(ids: [Int32], tokens: [String])
    }

    public var single: [Piece]

    public init(single: [Piece]) {
        self.single = single
    }

    /// `[CLS] $A [SEP]` with the given tokens and ids.
    public static func bert(cls: (token: String, id: Int32), sep: (token: String, id: Int32)) -> TemplatePostProcessor {
        TemplatePostProcessor(single: [
            .special(ids: [cls.id], tokens: [cls.token]), .sequence, .special(ids: [sep.id], tokens: [sep.token]),
        ])
    }

    /// The template that adds nothing.
    public static let identity = TemplatePostProcessor(single: [.sequence])

    /// How many ids the template adds to one sequence (what truncation reserves).
    public var addedTokenCount: Int {
        single.reduce(0) { n, piece in
            if case .special(let ids, _) = piece { return n + ids.count }
            return n
        }
    }

    /// This template followed by `next` (the result of a `Sequence` post-processor).
    public func followed(by next: TemplatePostProcessor) -> TemplatePostProcessor {
        var pieces: [Piece] = []
        for piece in next.single {
            if case .sequence = piece { pieces.append(contentsOf: single) } else { pieces.append(piece) }
        }
        return TemplatePostProcessor(single: pieces)
    }

    /// Wraps a sequence's ids and tokens.
    public func apply(ids: [Int32], tokens: [String]) -> (ids: [Int32], tokens: [String]) {
        if single == [.sequence] { return (ids, tokens) }
        var outIDs: [Int32] = []
        var outTokens: [String] = []
        outIDs.reserveCapacity(ids.count + addedTokenCount)
        outTokens.reserveCapacity(ids.count + addedTokenCount)
        for piece in single {
            switch piece {
            case .sequence:
                outIDs.append(contentsOf: ids)
                outTokens.append(contentsOf: tokens)
            case .special(let specialIDs, let specialTokens):
                outIDs.append(contentsOf: specialIDs)
                outTokens.append(contentsOf: specialTokens)
            }
        }
        return (outIDs, outTokens)
    }
}
