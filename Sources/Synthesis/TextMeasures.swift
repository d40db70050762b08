/// Word counts and normalised word sequences: the unit of every length bound, shingle and
/// quote check in synthesis.
public enum TextMeasures {
    /// Words separated by whitespace, as a person would count them.
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }

    /// Lower-cased runs of letters and digits: punctuation, case and spacing do not tell two
    /// texts apart.
    public static func normalizedWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// The normalised words joined by single spaces: equal for texts that differ only in case,
    /// punctuation or whitespace.
    public static func normalized(_ text: String) -> String {
        normalizedWords(text).joined(separator: " ")
    }

    /// Whether `text` repeats a run of `length` consecutive (normalised) words of `source`.
    public static func quotes(_ text: String, from source: String, length: Int) -> Bool {
        let words = normalizedWords(text), sourceWords = normalizedWords(source)
        guard length > 0, words.count >= length, sourceWords.count >= length else { return false }
        var runs = Set<String>()
        for start in 0...(sourceWords.count - length) {
            runs.insert(sourceWords[start..<(start + length)].joined(separator: " "))
        }
        for start in 0...(words.count - length) where runs.contains(words[start..<(start + length)].joined(separator: " ")) {
            return true
        }
        return false
    }
}
