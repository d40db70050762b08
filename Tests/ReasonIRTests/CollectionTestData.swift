import Foundation
import ReasonIR
import TestSupport

/// Small corpora cut from SciFact for the collection tests: quick enough for CI with tiny-bert.
enum CollectionTestData {
    /// Writes SciFact's corpus lines `range` (BEIR JSONL) to `name` in `directory`.
    static func scifactSlice(_ range: Range<Int>, into directory: URL, name: String) throws -> URL {
        let corpus = try String(contentsOf: TestPaths.scifact.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
        let lines = corpus.split(separator: "\n", omittingEmptySubsequences: true)
        let url = directory.appendingPathComponent(name)
        try (lines[range].joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A collection of SciFact's documents `range`, with every part by default (tiny-bert
    /// embeddings), in a fresh scratch directory: the collection and the scratch directory.
    static func collection(_ options: IndexDirectory.BuildOptions = .init(bm25: true, denseModel: TestPaths.tinyBert.path, hnsw: true),
                           documents range: Range<Int> = 0..<300) throws -> (IndexDirectory, URL) {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try scifactSlice(range, into: scratch, name: "corpus.jsonl")
        let directory = scratch.appendingPathComponent("scifact.idx")
        return (try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory, options: options), scratch)
    }

    /// The texts of SciFact's first `count` queries.
    static func queries(_ count: Int) throws -> [String] {
        let lines = try String(contentsOf: TestPaths.scifact.appendingPathComponent("queries.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(count)
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["text"] as? String ?? ""
        }
    }

    /// The `_id`s of a BEIR JSONL file.
    static func ids(of file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["_id"] as? String ?? ""
        }
    }
}
