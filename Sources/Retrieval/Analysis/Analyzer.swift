/// Turns text into index terms.
public protocol Analyzer: Sendable {
    /// Tokens in order, duplicates included.
    func analyze(_ text: String) -> [String]
}
