import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// pyserini's `Analyzer(get_lucene_analyzer())` output on SciFact queries, docs and edge cases
/// (`shared/fixtures/golden/bm25_bright_analyzer.json`).
struct AnalyzerGolden: Decodable {
    struct Entry: Decodable {
        var id: String?
        var text: String
        var tokens: [String]
    }
    var queries: [Entry]
    var docs: [Entry]
    var edge_cases: [Entry]

    static func load() throws -> AnalyzerGolden {
        let url = TestPaths.golden.appendingPathComponent("bm25_bright_analyzer.json")
        return try JSONDecoder().decode(AnalyzerGolden.self, from: Data(contentsOf: url))
    }
}

@Suite struct EnglishAnalyzerGoldenTests {
    /// Edge cases we knowingly do not reproduce, by text, with the reason. Empty: all 40 match.
    static let knownEdgeCaseDifferences: [String: String] = [:]

    @Test func allGoldenStringsMatch() throws {
        let golden = try AnalyzerGolden.load()
        let analyzer = EnglishAnalyzer()
        let entries = golden.queries + golden.docs + golden.edge_cases
        #expect(entries.count == 640)
        var matched = 0
        for entry in entries {
            let tokens = analyzer.analyze(entry.text)
            if tokens == entry.tokens {
                matched += 1
            } else if entry.text.count < 300 {
                print("mismatch: \(entry.text)\n  got      \(tokens)\n  expected \(entry.tokens)")
            } else {
                print("mismatch in \(entry.id ?? "?"): got \(tokens.count) tokens, expected \(entry.tokens.count)")
            }
        }
        print("EnglishAnalyzer golden: \(matched)/\(entries.count) strings match exactly")
        #expect(Double(matched) / Double(entries.count) >= 0.995)
    }

    @Test func edgeCasesMatchExceptKnownDifferences() throws {
        let golden = try AnalyzerGolden.load()
        let analyzer = EnglishAnalyzer()
        #expect(golden.edge_cases.count == 40)
        for entry in golden.edge_cases where Self.knownEdgeCaseDifferences[entry.text] == nil {
            #expect(analyzer.analyze(entry.text) == entry.tokens, "\(entry.text)")
        }
    }

    @Test func sciFactQueriesAndDocsMatchExactly() throws {
        let golden = try AnalyzerGolden.load()
        let analyzer = EnglishAnalyzer()
        let failures = (golden.queries + golden.docs).filter { analyzer.analyze($0.text) != $0.tokens }
        #expect(failures.isEmpty, "\(failures.map { $0.id ?? $0.text })")
    }

}
