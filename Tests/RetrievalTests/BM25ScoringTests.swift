import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// Scores checked against the formulas written out in shared/fixtures/README.md (gensim's
/// LuceneBM25Model on both sides for `bright`, Lucene's BM25Similarity for `lucene`),
/// recomputed here independently in Double.
@Suite struct BM25ScoringTests {
    let corpus = [
        Document(id: "a", text: "cat sat on the mat"),
        Document(id: "b", text: "dog sat dog"),
        Document(id: "c", text: "cat cat cat dog bird fish lion tiger bear wolf fox hare"),
        Document(id: "d", text: "bird"),
    ]

    func buildIndex() throws -> BM25Index {
        var builder = BM25IndexBuilder(analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace", threads: 2)
        try builder.add(corpus)
        let directory = try (try TestPaths.temporaryDirectory()).appendingPathComponent("index")
        try builder.write(to: directory)
        return try BM25Index(directory: directory, analyzer: WhitespaceAnalyzer(), analyzerName: "whitespace")
    }

    @Test func brightScoresFollowGensimFormula() throws {
        let index = try buildIndex()
        let lengths = corpus.map { Double($0.text.split(separator: " ").count) }
        let averageLength = lengths.reduce(0, +) / Double(corpus.count)
        func weight(_ term: String, tf: Double, length: Double) -> Double {
            let df = Double(corpus.filter { $0.text.split(separator: " ").contains(Substring(term)) }.count)
            let idf = log(Double(corpus.count) + 1) - log(df + 0.5)
            return idf * tf / (tf + 0.9 * (1 - 0.4 + 0.4 * length / averageLength))
        }
        let query = "cat dog dog unknown"
        // The unknown term is dropped, so the query's length is 3.
        let expected: [String: Double] = Dictionary(uniqueKeysWithValues: corpus.enumerated().map { i, document in
            let words = document.text.split(separator: " ")
            let tf = { (t: String) in Double(words.filter { $0 == t }.count) }
            let score = weight("cat", tf: 1, length: 3) * weight("cat", tf: tf("cat"), length: lengths[i])
                + weight("dog", tf: 2, length: 3) * weight("dog", tf: tf("dog"), length: lengths[i])
            return (document.id, score)
        })
        let hits = index.search(query, k: 4, variant: .bright)
        #expect(hits.map(\.id) == expected.sorted { $0.value > $1.value }.map(\.key))
        for hit in hits {
            #expect(abs(hit.score - expected[hit.id]!) <= 1e-5 * max(1, expected[hit.id]!))
        }
    }

    @Test func brightPadsWithUnmatchedDocumentsInCorpusOrder() throws {
        let index = try buildIndex()
        let hits = index.search("bird", k: 4, variant: .bright)
        #expect(hits.map(\.id) == ["d", "c", "a", "b"])
        #expect(hits[2].score == 0 && hits[3].score == 0)
        // Lucene returns matches only.
        #expect(index.search("bird", k: 4, variant: .lucene).map(\.id) == ["d", "c"])
    }

    @Test func luceneScoresFollowBM25Similarity() throws {
        let index = try buildIndex()
        let n = Double(corpus.count)
        let lengths = corpus.map { $0.text.split(separator: " ").count }
        let averageLength = Double(lengths.reduce(0, +)) / n
        let hits = index.search("cat cat", k: 4, variant: .lucene)
        #expect(hits.map(\.id) == ["c", "a"])
        for hit in hits {
            let i = corpus.firstIndex { $0.id == hit.id }!
            let tf = Double(corpus[i].text.split(separator: " ").filter { $0 == "cat" }.count)
            let idf = log(1 + (n - 2 + 0.5) / (2 + 0.5))
            let length = Double(LuceneLengthNorm.decode(LuceneLengthNorm.encode(lengths[i])))
            let expected = 2 * idf * tf / (tf + 0.9 * (1 - 0.4 + 0.4 * length / averageLength))
            #expect(abs(hit.score - expected) <= 1e-5 * expected)
        }
    }

    @Test func excludedDocumentsAreDroppedBeforeTheCut() throws {
        let index = try buildIndex()
        let hits = index.search("cat", k: 2, variant: .bright, excluding: ["c"])
        #expect(hits.map(\.id) == ["a", "b"])
    }

    @Test func luceneLengthNormMatchesSmallFloat() {
        // Exact below 24, then 4 significant bits (values from Lucene's SmallFloat.byte4ToInt).
        for length in 0..<24 { #expect(LuceneLengthNorm.decode(LuceneLengthNorm.encode(length)) == length) }
        #expect(LuceneLengthNorm.decode(LuceneLengthNorm.encode(100)) == 96)
        #expect(LuceneLengthNorm.decode(LuceneLengthNorm.encode(161)) == 152)
        #expect(LuceneLengthNorm.encode(Int(Int32.max)) == 255)
        #expect(LuceneLengthNorm.decodedLengths.count == 256)
    }

    @Test func batchSearchEqualsSingleSearch() throws {
        let index = try buildIndex()
        let queries = ["cat", "dog bird", "fox hare wolf", "nothing"]
        let batch = index.search(queries, k: 3, threads: 2)
        #expect(batch == queries.map { index.search($0, k: 3) })
    }
}
