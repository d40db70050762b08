import Testing
@testable import Tokenizers

struct WordPieceModelTests {
    static let vocab = ["[UNK]", "un", "##aff", "##able", "a", "##a", "##b", "x", "##x", "é", "e\u{301}", "##é"]
    static func model(max: Int = 100, prefix: String = "##") throws -> WordPieceModel {
        try WordPieceModel(vocabulary: vocab.enumerated().map { (token: $1, id: Int32($0)) },
                           continuingSubwordPrefix: prefix, maxInputCharsPerWord: max)
    }

    @Test func greedyLongestMatchFirst() throws {
        let m = try Self.model()
        #expect(m.tokenize("unaffable").map(\.token) == ["un", "##aff", "##able"])
        #expect(m.tokenize("unaffable").map(\.id) == [1, 2, 3])
        #expect(m.tokenize("aab").map(\.token) == ["a", "##a", "##b"])
        // One piece missing anywhere → the whole word is [UNK].
        #expect(m.tokenize("unaffablez").map(\.token) == ["[UNK]"])
        #expect(m.tokenize("b").map(\.token) == ["[UNK]"])
        #expect(m.tokenize("").isEmpty)
    }

    @Test func maxInputCharsCountsScalars() throws {
        let m = try Self.model(max: 3)
        #expect(m.tokenize("xxx").map(\.token) == ["x", "##x", "##x"])
        #expect(m.tokenize("xxxx").map(\.token) == ["[UNK]"])
        // Three scalars, six bytes: still within the limit.
        #expect(m.tokenize("éé").map(\.token) == ["é", "##é"])
    }

    @Test func vocabularyIsByteExact() throws {
        let m = try Self.model()
        // Canonically equivalent spellings are different tokens, as in the reference's HashMap.
        #expect(m.id(of: "é") == 9)
        #expect(m.id(of: "e\u{301}") == 10)
        #expect(m.vocabularyCount == Self.vocab.count)
    }

    @Test func repeatedTokenKeepsLastID() throws {
        let m = try WordPieceModel(vocabulary: [("[UNK]", 0), ("a", 1), ("a", 7)])
        #expect(m.id(of: "a") == 7)
        #expect(m.vocabularyCount == 2)
    }

    @Test func customPrefix() throws {
        let m = try WordPieceModel(vocabulary: [("[UNK]", 0), ("un", 1), ("@@aff", 2), ("@@able", 3)],
                                   continuingSubwordPrefix: "@@")
        #expect(m.tokenize("unaffable").map(\.token) == ["un", "@@aff", "@@able"])
    }

    @Test func unknownTokenMustBeInVocabulary() {
        #expect(throws: TokenizerError.missingToken(path: "WordPiece vocabulary", field: "model.unk_token", token: "[UNK]")) {
            try WordPieceModel(vocabulary: [("a", 0)])
        }
    }
}
