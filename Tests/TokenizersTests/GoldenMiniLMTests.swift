import Foundation
import Testing
@testable import Tokenizers
import TestSupport

/// all-MiniLM-L6-v2's tokenizer.json against `tokenizers` 0.23.3 (golden/wordpiece_minilm.json:
/// no truncation, no padding, special tokens added). Every string must match exactly.
@Suite(.enabled(if: TestPaths.hasModel("all-MiniLM-L6-v2", file: "tokenizer.json")
                    && FileManager.default.fileExists(atPath: TestPaths.golden.appendingPathComponent("wordpiece_minilm.json").path),
                "needs <package root>/models/all-MiniLM-L6-v2 (scripts/fetch-models.sh) or $REASONIR_MODELS, and the shared fixtures"))
struct GoldenMiniLMTests {
    struct Golden: Decodable {
        struct Row: Decodable { let id: String; let ids: [Int32] }
        struct Edge: Decodable { let text: String; let ids: [Int32]; let tokens: [String] }
        let queries: [Row]
        let docs: [Row]
        let edge_cases: [Edge]
    }

    static let golden: Golden = try! TestPaths.decode(Golden.self, golden: "wordpiece_minilm.json")
    static let tokenizer: any Tokenizer = try! TokenizerLoader.load(directory: TestPaths.models.appendingPathComponent("all-MiniLM-L6-v2"))

    /// `title + ' ' + text` (or `text` when the title is empty), keyed by `_id`.
    static func scifact(_ file: String, document: Bool) throws -> [String: String] {
        struct Line: Decodable { let _id: String; let title: String?; let text: String }
        let data = try String(contentsOf: TestPaths.scifact.appendingPathComponent(file), encoding: .utf8)
        var texts: [String: String] = [:]
        for line in data.split(separator: "\n") where !line.isEmpty {
            let row = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            let title = document ? (row.title ?? "") : ""
            texts[row._id] = title.isEmpty ? row.text : title + " " + row.text
        }
        return texts
    }

    @Test func vocabularyAndSpecialTokens() {
        let t = Self.tokenizer
        #expect(t.vocabularySize == 30522)
        #expect(t.id(of: "[CLS]") == 101)
        #expect(t.id(of: "[SEP]") == 102)
        #expect(t.id(of: "[UNK]") == 100)
        #expect(t.id(of: "##ing") != nil)
        #expect(t.id(of: "not-a-token") == nil)
    }

    @Test func allEdgeCasesIdsAndTokens() {
        var mismatches: [String] = []
        for edge in Self.golden.edge_cases {
            let e = Self.tokenizer.encode(edge.text)
            if e.ids != edge.ids || e.tokens != edge.tokens {
                mismatches.append("\(edge.text.debugDescription): got \(e.tokens) \(e.ids), want \(edge.tokens) \(edge.ids)")
            }
        }
        #expect(Self.golden.edge_cases.count == 60)
        #expect(mismatches.isEmpty, "\(mismatches.count) of 60 edge cases differ:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    }

    @Test func allQueries() throws {
        let texts = try Self.scifact("queries.jsonl", document: false)
        var mismatches: [String] = []
        for row in Self.golden.queries {
            let text = try #require(texts[row.id], "query \(row.id) not in queries.jsonl")
            let ids = Self.tokenizer.encode(text).ids
            if ids != row.ids { mismatches.append("query \(row.id): got \(ids), want \(row.ids)") }
        }
        #expect(Self.golden.queries.count == 300)
        #expect(mismatches.isEmpty, "\(mismatches.count) of 300 queries differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func firstThreeHundredDocuments() throws {
        let texts = try Self.scifact("corpus.jsonl", document: true)
        var mismatches: [String] = []
        for row in Self.golden.docs {
            let text = try #require(texts[row.id], "doc \(row.id) not in corpus.jsonl")
            let ids = Self.tokenizer.encode(text).ids
            if ids != row.ids {
                let at = zip(ids, row.ids).enumerated().first { $1.0 != $1.1 }?.offset ?? min(ids.count, row.ids.count)
                mismatches.append("doc \(row.id): first difference at \(at) of \(row.ids.count)")
            }
        }
        #expect(Self.golden.docs.count == 300)
        #expect(mismatches.isEmpty, "\(mismatches.count) of 300 docs differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func wordLengthLimitAsInTheGolden() throws {
        // 101 characters → [UNK]; 99 characters → split into pieces (max_input_chars_per_word 100).
        let long = Self.tokenizer.encode(String(repeating: "a", count: 101))
        #expect(long.tokens == ["[CLS]", "[UNK]", "[SEP]"])
        let shorter = Self.tokenizer.encode(String(repeating: "x", count: 99))
        #expect(shorter.count > 3)
        #expect(!shorter.tokens.contains("[UNK]"))
        // Exactly 100 is still allowed (the reference tests `chars > max`).
        #expect(!Self.tokenizer.encode(String(repeating: "x", count: 100)).tokens.contains("[UNK]"))
    }

    @Test func truncationTo256KeepsSpecialTokens() throws {
        let texts = try Self.scifact("corpus.jsonl", document: true)
        let long = try #require(texts.values.first { Self.tokenizer.encode($0).count > 600 })
        let full = Self.tokenizer.encode(long)
        let cut = Self.tokenizer.encode(long, addSpecialTokens: true, maxLength: 256)
        #expect(cut.count == 256)
        #expect(cut.ids.first == 101)
        #expect(cut.ids.last == 102)
        #expect(cut.ids == Array(full.ids.prefix(255)) + [102])
        #expect(cut.tokens == Array(full.tokens.prefix(255)) + ["[SEP]"])
    }
}
