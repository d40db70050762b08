// TEMPORARY until the analyzer branch merges. Not committed.
public protocol Analyzer: Sendable { func analyze(_ text: String) -> [String] }
public struct EnglishAnalyzer: Analyzer {
    public init() {}
    public func analyze(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}
