import Foundation
import Testing
@testable import Tokenizers

/// Speed on the whole SciFact corpus (5,183 docs, ~8 MB). The time limit is checked only in
/// release builds (`swift test -c release`); debug builds just report.
@Suite(.enabled(if: Fixtures.hasMiniLM && Fixtures.exists(Fixtures.scifact.appendingPathComponent("corpus.jsonl")),
                "needs all-MiniLM-L6-v2 ($REASONIR_MODELS or <package root>/models) and shared/data/scifact"))
struct PerformanceTests {
    @Test func encodeSciFactCorpus() throws {
        let clock = ContinuousClock()
        var tokenizer: WordPieceTokenizer?
        let loadTime = try clock.measure {
            tokenizer = try WordPieceTokenizer(tokenizerJSON: Fixtures.miniLM.appendingPathComponent("tokenizer.json"))
        }
        let docs = try GoldenMiniLMTests.scifact("corpus.jsonl", document: true).values.map { $0 }
        let bytes = docs.reduce(0) { $0 + $1.utf8.count }
        var total = 0
        let encodeTime = clock.measure {
            for doc in docs { total += tokenizer!.encode(doc).count }
        }
        let seconds = Double(encodeTime.components.seconds) + Double(encodeTime.components.attoseconds) * 1e-18
        print("SciFact: \(docs.count) docs, \(bytes) bytes, \(total) tokens in \(encodeTime)"
            + " (\(Int(Double(bytes) / seconds / 1e6)) MB/s); tokenizer.json loaded in \(loadTime)")
        #expect(docs.count == 5183)
        #if !DEBUG
        #expect(seconds < 2.0, "encoding SciFact took \(encodeTime)")
        #expect(loadTime < .seconds(1), "loading tokenizer.json took \(loadTime)")
        #endif
    }
}
