/// BERT's pre-tokenizer, equal to `tokenizers`' `BertPreTokenizer`: split on whitespace (dropping
/// it), then make every punctuation character a word of its own. Punctuation is ASCII
/// punctuation (33–47, 58–64, 91–96, 123–126) or any Unicode P* category (Unicode 8.0 tables, as
/// the reference uses).
public struct BertPreTokenizer: Sendable, Hashable {
    public init() {}

    /// Splits a string into words (convenient for tests).
    public func split(_ text: String) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        var words: [Range<Int>] = []
        scalars.withUnsafeBufferPointer { split($0, into: &words) }
        return words.map { range in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range].map { Unicode.Scalar($0)! })
            return String(view)
        }
    }

    /// Appends the range of each word of `text` to `words`.
    func split(_ text: UnsafeBufferPointer<UInt32>, into words: inout [Range<Int>]) {
        var wordStart = -1
        for i in 0..<text.count {
            let c = text[i]
            if CharacterClasses.isWhitespace(c) {
                if wordStart >= 0 { words.append(wordStart..<i); wordStart = -1 }
            } else if CharacterClasses.isPunctuation(c) {
                if wordStart >= 0 { words.append(wordStart..<i); wordStart = -1 }
                words.append(i..<(i + 1))
            } else if wordStart < 0 {
                wordStart = i
            }
        }
        if wordStart >= 0 { words.append(wordStart..<text.count) }
    }
}
