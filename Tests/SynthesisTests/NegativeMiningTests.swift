import Foundation
import Retrieval
import TestSupport
import Testing
@testable import Synthesis

@Suite struct NegativeMiningTests {
    /// 40 documents that match the query to different degrees, so BM25 ranks them all.
    static let documents: [Document] = (0..<40).map { i in
        let matches = Array(repeating: "glacier melt", count: 1 + i % 9).joined(separator: " ")
        return Document(id: "doc\(i)", text: "\(matches) " + fillerWords(20 + i, offset: i))
    }
    static let query = "why does glacier melt speed up"

    @Test func skipsTheTopTwentyAndTakesTheNext() throws {
        let index = try bm25Index(Self.documents)
        let ranking = index.search(Self.query, k: 40).map(\.id)
        let miner = BM25NegativeMiner(index: index, skipTop: 20, count: 1)
        // The positive ranked inside the top 20: the negative is rank 21.
        #expect(miner.mine(query: Self.query, excluding: [ranking[3]]) == [ranking[20]])
        #expect(miner.mine(query: Self.query, excluding: []) == [ranking[20]])
    }

    @Test func neverTakesThePositiveOrItsDuplicates() throws {
        let index = try bm25Index(Self.documents)
        let ranking = index.search(Self.query, k: 40).map(\.id)
        let miner = BM25NegativeMiner(index: index, skipTop: 20, count: 3)
        let mined = miner.mine(query: Self.query, excluding: [ranking[20], ranking[22]])
        #expect(mined == [ranking[21], ranking[23], ranking[24]])
        for positive in ranking {
            #expect(!BM25NegativeMiner(index: index).mine(query: Self.query, excluding: [positive]).contains(positive))
        }
    }

    @Test func aSmallCorpusGivesFewerNegatives() throws {
        let index = try bm25Index(Array(Self.documents.prefix(21)))
        let miner = BM25NegativeMiner(index: index, skipTop: 20, count: 2)
        #expect(miner.mine(query: Self.query, excluding: []).count == 1)
        #expect(BM25NegativeMiner(index: try bm25Index(Array(Self.documents.prefix(20)))).mine(query: Self.query, excluding: []).isEmpty)
    }

    @Test func theSynthesizerMinesWithItsQueryAndNeverThePositive() async throws {
        let documents = Self.documents
        let index = try bm25Index(documents)
        let seed = documents[5]
        let model = ScriptedChatModel { messages, _ in
            Step(messages) == .hardQuery ? #"{"hard_query": "\#(Self.query) in a warm spring, and what follows for rivers downstream?"}"# : validAnswer(messages)
        }
        let synthesizer = try Synthesizer(
            model: model, options: SynthesisOptions(llmNegatives: false), miner: BM25NegativeMiner(index: index),
            corpus: Dictionary(uniqueKeysWithValues: documents.map { ($0.id, $0.text) }), duplicates: [seed.id: [documents[6].id]])
        let record = try await synthesizer.record(seed: seed, task: .hardQuery)
        let query = try #require(record.query)
        let ranking = index.search(query, k: 40).map(\.id).filter { $0 != seed.id && $0 != documents[6].id }
        let negative = try #require(record.negatives.first)
        #expect(negative.source == .bm25)
        let rank = try #require(index.search(query, k: 40).map(\.id).firstIndex(of: negative.id ?? ""))
        #expect(rank >= 20)
        #expect(negative.id != seed.id && negative.id != documents[6].id)
        #expect(ranking.contains(negative.id ?? ""))
        #expect(negative.text == documents.first { $0.id == negative.id }?.text)
    }
}
