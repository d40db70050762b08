/// Scores how well a document serves as a seed for synthesis; documents below a threshold are
/// left out. ReasonIR keeps documents that FineWeb-Edu's educational-quality classifier scores
/// at least 1 (of 5); plug such a classifier in through this protocol.
public protocol QualityScorer: Sendable {
    /// A short name for reports.
    var name: String { get }
    /// Higher is better; the threshold is the caller's.
    func score(_ text: String) -> Double
}

/// The default score, 0 to 5: one point for each sign of clean prose that a classifier would
/// want, from the rules of Gopher's and FineWeb's quality filters. Keep documents scoring ≥ 3.
///
/// 1. At least 70% of the words contain a letter (not tables of numbers or code dumps).
/// 2. The mean word length is 3 to 10 characters (not gibberish, not URLs or hashes).
/// 3. At least 3 sentence ends (`.`, `?`, `!`): running text, not a list of keywords.
/// 4. At least 30% of the (normalised) words are distinct: not boilerplate repeated.
/// 5. At most 10% of the characters are markup symbols (`# { } [ ] | < > \ _ ~ @ $ * =`).
public struct HeuristicQualityScorer: QualityScorer {
    public init() {}

    public var name: String { "heuristic-prose-0-5" }

    public func score(_ text: String) -> Double {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return 0 }
        var points = 0.0
        let withLetter = words.filter { $0.contains(where: \.isLetter) }.count
        if Double(withLetter) >= 0.7 * Double(words.count) { points += 1 }
        let meanLength = Double(words.reduce(0) { $0 + $1.count }) / Double(words.count)
        if (3...10).contains(meanLength) { points += 1 }
        let sentenceEnds = text.filter { $0 == "." || $0 == "?" || $0 == "!" }.count
        if sentenceEnds >= 3 { points += 1 }
        let normalized = TextMeasures.normalizedWords(text)
        if !normalized.isEmpty, Double(Set(normalized).count) >= 0.3 * Double(normalized.count) { points += 1 }
        let symbols: Set<Character> = ["#", "{", "}", "[", "]", "|", "<", ">", "\\", "_", "~", "@", "$", "*", "="]
        let symbolCount = text.filter { symbols.contains($0) }.count
        if Double(symbolCount) <= 0.1 * Double(text.count) { points += 1 }
        return points
    }
}
