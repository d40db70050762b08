@testable import Retrieval

/// Splits on spaces: lets formula tests control the tokens exactly.
struct WhitespaceAnalyzer: Analyzer {
    func analyze(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
}
