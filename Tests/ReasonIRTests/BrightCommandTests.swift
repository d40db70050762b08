import Foundation
import ReasonIR
import Testing
import TestSupport

/// `reasonir bright` end to end on two tasks (real BRIGHT examples, synthetic documents) stored
/// twice by `scripts/parity/bright_hub.py`: in the hub's Parquet layout and in our JSONL layout.
@Suite struct BrightCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let hub = fixtures.appendingPathComponent("bright-hub").path
    static let jsonl = fixtures.appendingPathComponent("bright-jsonl").path

    /// Runs `reasonir` with a fresh index cache; fails the test on a non-zero exit.
    static func run(_ arguments: [String], scratch: URL) throws -> String {
        let result = try TestPaths.runCLI(arguments + ["--quiet"], environment: ["REASONIR_CACHE": scratch.appendingPathComponent("cache").path])
        #expect(result.status == 0, "reasonir \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func parquetAndJSONLGiveTheSameScoresAsEval() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let runs = scratch.appendingPathComponent("runs")
        let fromHub = try Self.run(["bright", Self.hub, "--tasks", "biology,leetcode", "--json", "--run-dir", runs.path], scratch: scratch)
        let fromJSONL = try Self.run(["bright", Self.jsonl, "--tasks", "biology,leetcode", "--json"], scratch: scratch)
        #expect(fromHub == fromJSONL)
        let results = try Self.object(fromHub)
        let tasks = try #require(results["tasks"] as? [String: [String: Double]])
        #expect(Set(tasks.keys) == ["biology", "leetcode"])
        for task in ["biology", "leetcode"] {
            // `reasonir eval` on the JSONL files is the path the rest of the project already checks
            // against BRIGHT's own code.
            let eval = try Self.object(try Self.run(["eval", Self.jsonl, "--task", task, "--json"], scratch: scratch))
            #expect(tasks[task]?["ndcg_cut_10"] == eval["ndcg_cut_10"] as? Double, "\(task)")
            #expect(tasks[task]?["num_q"] == 5)
            let trec = try String(contentsOf: runs.appendingPathComponent("\(task).trec"), encoding: .utf8)
            #expect(trec.split(separator: "\n").count > 5)
        }
        let average = try #require(results["average"] as? [String: Double])
        let mean = ((tasks["biology"]?["ndcg_cut_10"] ?? 0) + (tasks["leetcode"]?["ndcg_cut_10"] ?? 0)) / 2
        #expect(abs((average["ndcg_cut_10"] ?? -1) - mean) < 1e-5)
    }

    @Test func variantsAndLongDocuments() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for layout in [Self.hub, Self.jsonl] {
            let reasoned = try Self.run(["bright", layout, "--tasks", "biology", "--query-variant", "gpt4", "--json"], scratch: scratch)
            let long = try Self.run(["bright", layout, "--tasks", "biology", "--long-documents", "--json"], scratch: scratch)
            #expect(reasoned != long)
            #expect(try Self.object(long)["tasks"] != nil)
        }
        let table = try Self.run(["bright", Self.hub, "--tasks", "biology,leetcode"], scratch: scratch)
        #expect(table.contains("biology") && table.contains("leetcode") && table.contains("Avg.") && table.contains("ndcg_cut_10"))
    }

    @Test func aTaskMissingFromOneConfigIsAClearError() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = scratch.appendingPathComponent("hub")
        try FileManager.default.copyItem(atPath: Self.hub, toPath: copy.path)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("documents/leetcode-00000-of-00001.parquet"))
        let result = try TestPaths.runCLI(["bright", copy.path, "--tasks", "biology,leetcode", "--quiet"],
                                environment: ["REASONIR_CACHE": scratch.appendingPathComponent("cache").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("documents: no file for the task leetcode"))
        // A Parquet file that is not one names the file.
        try Data("not parquet at all".utf8).write(to: copy.appendingPathComponent("documents/leetcode-00000-of-00001.parquet"))
        let damaged = try TestPaths.runCLI(["bright", copy.path, "--tasks", "leetcode", "--quiet"],
                                 environment: ["REASONIR_CACHE": scratch.appendingPathComponent("cache").path])
        #expect(damaged.status != 0)
        #expect(damaged.stderr.contains("leetcode-00000-of-00001.parquet") && damaged.stderr.contains("not a Parquet file"))
    }

    /// A task whose documents span two shards: the cached index is reused while no shard changes,
    /// and rebuilt when the second one does (the cache once fingerprinted the first shard only).
    @Test func aChangeToAnyShardRebuildsTheCachedIndex() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = scratch.appendingPathComponent("hub")
        try FileManager.default.copyItem(atPath: Self.hub, toPath: copy.path)
        let documents = copy.appendingPathComponent("documents")
        try FileManager.default.moveItem(at: documents.appendingPathComponent("biology-00000-of-00001.parquet"),
                                         to: documents.appendingPathComponent("biology-00000-of-00002.parquet"))
        // The second shard: the Parquet reader's synthetic documents (their ids never clash with biology's).
        let parquet = TestPaths.packageRoot.appendingPathComponent("Tests/ParquetTests/Fixtures")
        try FileManager.default.copyItem(at: parquet.appendingPathComponent("documents-none-v1-plain-rgall.parquet"),
                                         to: documents.appendingPathComponent("biology-00001-of-00002.parquet"))
        func run() throws -> String {
            let result = try TestPaths.runCLI(["bright", copy.path, "--tasks", "biology", "--json"],
                                              environment: ["REASONIR_CACHE": scratch.appendingPathComponent("cache").path])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stderr
        }
        #expect(!(try run()).contains("using the index"))
        #expect(try run().contains("using the index"))
        let second = documents.appendingPathComponent("biology-00001-of-00002.parquet")
        try FileManager.default.removeItem(at: second)
        // The same documents, compressed otherwise: another size, so another fingerprint.
        try FileManager.default.copyItem(at: parquet.appendingPathComponent("documents-zstd-v2-dict-rgall.parquet"), to: second)
        #expect(!(try run()).contains("using the index"), "the second shard changed")
    }
}
