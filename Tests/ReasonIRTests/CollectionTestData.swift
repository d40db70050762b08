import Foundation
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

    /// The `_id`s of a BEIR JSONL file.
    static func ids(of file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["_id"] as? String ?? ""
        }
    }
}
