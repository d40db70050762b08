import Foundation
import Testing
import TestSupport

/// `reasonir report` and the `--results` / `--report` outputs of `eval` and `bright`, as a user
/// runs them.
@Suite struct ReportCommandTests {
    @Test func evalAndBrightWriteResultsThatReportDraws() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let env = ["REASONIR_CACHE": scratch.appendingPathComponent("cache").path]
        let brightResults = scratch.appendingPathComponent("bright.json").path
        let brightPage = scratch.appendingPathComponent("bright.html").path
        let bright = try TestPaths.runCLI(["bright", BrightCommandTests.hub, "--tasks", "biology,leetcode", "--quiet", "--json",
                                           "--results", brightResults, "--report", brightPage, "--label", "BM25"], environment: env)
        #expect(bright.status == 0, "\(bright.stderr)")
        // --json's object is unchanged by --results; the results file adds the label and settings.
        let printed = try BrightCommandTests.object(bright.stdout)
        #expect(Set(printed.keys) == ["tasks", "average"])
        let saved = try BrightCommandTests.object(try String(contentsOfFile: brightResults, encoding: .utf8))
        #expect(saved["label"] as? String == "BM25")
        #expect((saved["tasks"] as? NSDictionary) == (printed["tasks"] as? NSDictionary))
        #expect((saved["average"] as? NSDictionary) == (printed["average"] as? NSDictionary))
        #expect(try String(contentsOfFile: brightPage, encoding: .utf8).components(separatedBy: "class=\"task-bar\"").count - 1 == 2)

        let evalResults = scratch.appendingPathComponent("theoremqa.json").path
        let eval = try TestPaths.runCLI(["eval", TestPaths.theoremQA.path, "--split", "dev", "--quiet", "--json",
                                         "--results", evalResults], environment: env)
        #expect(eval.status == 0, "\(eval.stderr)")
        let evalSaved = try BrightCommandTests.object(try String(contentsOfFile: evalResults, encoding: .utf8))
        let evalTasks = try #require(evalSaved["tasks"] as? [String: [String: Double]])
        #expect(evalTasks["theoremqa-theorems"]?["ndcg_cut_10"] == (try BrightCommandTests.object(eval.stdout))["ndcg_cut_10"] as? Double)

        // evaluate-run --json files, one per task, in a folder: ReasonIR-8B's published runs.
        let published = scratch.appendingPathComponent("ReasonIR-8B")
        try FileManager.default.createDirectory(at: published, withIntermediateDirectories: true)
        for task in ["biology", "leetcode"] {
            let scored = try TestPaths.runCLI([
                "evaluate-run", "--run", TestPaths.bright.appendingPathComponent("runs/reasonir-8b-gpt4-reasoning-top100/\(task).trec").path,
                "--bright-examples", TestPaths.bright.appendingPathComponent("examples/\(task).jsonl").path, "--json"])
            #expect(scored.status == 0, "\(scored.stderr)")
            try scored.stdout.write(to: published.appendingPathComponent("\(task).json"), atomically: true, encoding: .utf8)
        }
        let page = scratch.appendingPathComponent("report.html").path
        let report = try TestPaths.runCLI(["report", brightResults, published.path, "TheoremQA BM25=" + evalResults, "--out", page])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.components(separatedBy: "class=\"task-bar\"").count - 1 == 2 + 2 + 1)
        #expect(html.contains("ReasonIR-8B") && html.contains("TheoremQA BM25"))
    }

    @Test func badInputNamesTheFile() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = scratch.appendingPathComponent("report.html").path
        let missing = scratch.appendingPathComponent("missing.json").path
        let noFile = try TestPaths.runCLI(["report", missing, "--out", page])
        #expect(noFile.status != 0 && noFile.stderr.contains(missing), "\(noFile.stderr)")
        let broken = scratch.appendingPathComponent("broken.json")
        try "{\"tasks\": {\"biology\": ".write(to: broken, atomically: true, encoding: .utf8)
        let notJSON = try TestPaths.runCLI(["report", broken.path, "--out", page])
        #expect(notJSON.status != 0 && notJSON.stderr.contains(broken.path) && notJSON.stderr.contains("not JSON"), "\(notJSON.stderr)")
        let good = scratch.appendingPathComponent("good.json")
        try "{\"ndcg_cut_10\": 0.5, \"num_q\": 3}".write(to: good, atomically: true, encoding: .utf8)
        let unknownMetric = try TestPaths.runCLI(["report", good.path, "--out", page, "--metric", "ndcg@10"])
        #expect(unknownMetric.status != 0 && unknownMetric.stderr.contains("ndcg@10"), "\(unknownMetric.stderr)")
        #expect(!FileManager.default.fileExists(atPath: page), "nothing written on failure")
        let none = try TestPaths.runCLI(["report", "--out", page])
        #expect(none.status != 0)
    }
}
