import Foundation
import Retrieval
import Testing
@testable import Synthesis

@Suite struct SeedSelectionTests {
    let prose = topicDocuments(6)

    @Test func exactDuplicatesDifferingOnlyInCaseAndPunctuationAreRemoved() throws {
        var copy = prose[2]
        copy.id = "copy"
        copy.text = copy.text.uppercased().replacingOccurrences(of: ".", with: " ;  ")
        let selection = try SeedSelector().select(prose + [copy])
        #expect(selection.statistics.exactDuplicates == 1)
        #expect(!selection.seeds.contains { $0.id == "copy" })
        #expect(selection.duplicates["d2"] == ["copy"])
        #expect(selection.statistics.selected == prose.count)
    }

    @Test func nearDuplicatesAboveTheThresholdAreRemovedAndDistinctTextsKept() throws {
        // One word of ~150 changed: 5-shingle Jaccard ≈ 0.94, above 0.8.
        var near = prose[4]
        near.id = "near"
        near.text = near.text.replacingOccurrences(of: "Sample 4 measurement 3", with: "Sample 4 reading 3")
        // A third of the sentences replaced: well below 0.8.
        var far = prose[5]
        far.id = "far"
        far.text = far.text.split(separator: ".").enumerated().map { i, s in i % 3 == 0 ? " Quite another sentence number \(i) appears" : String(s) }
            .joined(separator: ".")
        let selection = try SeedSelector().select(prose + [near, far])
        #expect(selection.statistics.nearDuplicates == 1)
        #expect(selection.duplicates["d4"] == ["near"])
        #expect(selection.seeds.contains { $0.id == "far" })
        let hasher = MinHasher()
        let similarity = MinHasher.similarity(hasher.signature(TextMeasures.normalizedWords(prose[4].text)),
                                              hasher.signature(TextMeasures.normalizedWords(near.text)))
        #expect(similarity >= 0.8)
    }

    @Test func lengthBoundsAreInWordsAndInclusive() throws {
        let short = Document(id: "short", text: Array(repeating: "Cells divide. ", count: 2).joined())  // 4 words
        let exact = Document(id: "exact", text: (0..<10).map { "Word\($0)." }.joined(separator: " "))  // 10 words
        let long = Document(id: "long", text: (0..<30).map { "Token\($0)." }.joined(separator: " "))
        let options = SeedSelectionOptions(minWords: 5, maxWords: 20, minQuality: 0)
        let selection = try SeedSelector(options: options).select([short, exact, long])
        #expect(selection.seeds.map(\.id) == ["exact"])
        #expect(selection.statistics.tooShort == 1 && selection.statistics.tooLong == 1)
    }

    @Test func theDefaultScorerRejectsTablesAndMarkupAndKeepsProse() throws {
        let scorer = HeuristicQualityScorer()
        let table = (0..<80).map { "| \($0) | \($0 * 3) | \($0 * 7) |" }.joined(separator: "\n")
        #expect(scorer.score(table) < 3)
        #expect(scorer.score(prose[0].text) >= 3)
        let selection = try SeedSelector(options: SeedSelectionOptions(minWords: 10)).select(
            prose + [Document(id: "table", text: table)])
        #expect(selection.statistics.lowQuality == 1)
        #expect(!selection.seeds.contains { $0.id == "table" })
    }

    struct LengthScorer: QualityScorer {
        var name: String { "length" }
        func score(_ text: String) -> Double { Double(text.count) }
    }

    @Test func aPluggedScorerDecides() throws {
        let longest = prose.map(\.text.count).max() ?? 0
        let options = SeedSelectionOptions(minQuality: Double(longest))
        let selection = try SeedSelector(options: options, scorer: LengthScorer()).select(prose)
        #expect(selection.seeds.allSatisfy { $0.text.count == longest })
        #expect(selection.statistics.lowQuality == prose.count - selection.seeds.count)
    }

    @Test func theLimitTakesAFixedSampleInCorpusOrder() throws {
        let documents = topicDocuments(40)
        let first = try SeedSelector(options: SeedSelectionOptions(limit: 10, sampleSeed: 1)).select(documents)
        let again = try SeedSelector(options: SeedSelectionOptions(limit: 10, sampleSeed: 1)).select(documents.reversed())
        let other = try SeedSelector(options: SeedSelectionOptions(limit: 10, sampleSeed: 2)).select(documents)
        #expect(first.seeds.count == 10)
        #expect(Set(first.seeds.map(\.id)) == Set(again.seeds.map(\.id)), "the sample does not depend on corpus order")
        #expect(first.seeds.map(\.id) != other.seeds.map(\.id))
        let positions = first.seeds.map { seed in documents.firstIndex { $0.id == seed.id }! }
        #expect(positions == positions.sorted())
    }

    @Test func badBoundsAreAClearError() {
        #expect(throws: SynthesisError.self) { try SeedSelector(options: SeedSelectionOptions(minWords: 10, maxWords: 5)).select(prose) }
    }
}
