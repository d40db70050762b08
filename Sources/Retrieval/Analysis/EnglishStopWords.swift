/// Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, which Anserini's DefaultEnglishAnalyzer uses.
public enum EnglishStopWords {
    public static let words: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
        "this", "to", "was", "will", "with",
    ]

    /// The words packed big-endian into integers, so a lowercase token can be checked without a String.
    static let packed: [UInt64] = words.map { word in
        word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Whether the lowercase bytes form a stop word.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, in packed: UnsafeBufferPointer<UInt64>) -> Bool {
        if bytes.count == 0 || bytes.count > 5 { return false }
        var key: UInt64 = 0
        for byte in bytes { key = key << 8 | UInt64(byte) }
        return packed.contains(key)
    }

    public static func contains(_ word: String) -> Bool {
        words.contains(word)
    }
}
