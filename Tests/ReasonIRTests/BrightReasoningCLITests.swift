import Foundation
import Testing
import TestSupport

/// `reasonir bright --rerank` and `--rewrite` against the real llama.cpp server (scripts/test.sh
/// starts it and names it in REASONIR_LLM_URL), their `--results`, and a `reasonir report` of
/// them with the rerank-depth curve.
@Suite(.enabled(if: !(ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? "").isEmpty,
                "REASONIR_LLM_URL is not set: start the llama.cpp server with `scripts/llm-server.sh start` and export the URL it prints (scripts/test.sh does both)"))
struct BrightReasoningCLITests {
    let url = ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? ""

    @Test func rerankAndRewriteEachTaskWithItsPromptThenReportTheCurve() throws {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let llm = ["--llm-url", url, "--llm-cache-dir", scratch.appendingPathComponent("llm").path, "--llm-seed", "1"]
        func bright(_ extra: [String]) throws -> String {
            try BrightCommandTests.run(["bright", BrightCommandTests.hub, "--tasks", "biology,leetcode", "--depth", "20"] + extra,
                                       scratch: scratch)
        }
        let plain = scratch.appendingPathComponent("bm25.json").path
        _ = try bright(["--results", plain])
        let reranked = scratch.appendingPathComponent("rerank2.json").path
        let table = try bright(["--rerank", "--rerank-depth", "2", "--rerank-max-chars", "300", "--results", reranked] + llm)
        // Each task is reranked with its own ReasonIR prompt: 5 queries × 2 documents each.
        #expect(table.contains("biology rerank: depth 2, prompt general, format raw, 10 calls"), "\(table)")
        #expect(table.contains("leetcode rerank: depth 2, prompt leetcode, format raw, 10 calls"), "\(table)")
        #expect(table.contains("Avg."))
        let results = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reranked))) as? [String: Any])
        let settings = try #require(results["settings"] as? [String: String])
        #expect(settings["rerank"] == "true" && settings["rerank_depth"] == "2" && settings["retriever"] == "bm25")
        #expect((results["tasks"] as? [String: Any])?.count == 2)

        let rewritten = try BrightCommandTests.run(["bright", BrightCommandTests.hub, "--tasks", "biology", "--depth", "20", "--json",
                                                    "--rewrite", "--rewrite-token-budget", "32"] + llm, scratch: scratch)
        let fromRewrite = try BrightCommandTests.object(rewritten)
        #expect((fromRewrite["tasks"] as? [String: Any])?["biology"] != nil, "\(rewritten)")

        let page = scratch.appendingPathComponent("report.html")
        let report = try TestPaths.runCLI(["report", plain, "BM25 + rerank=" + reranked, "--out", page.path, "--title", "BRIGHT <2 tasks>"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.components(separatedBy: "class=\"task-bar\"").count - 1 == 4)
        #expect(html.contains("id=\"curve-rerank_depth\""), "BM25 at depth 0 and 2 make a curve")
        #expect(html.components(separatedBy: "class=\"point\"").count - 1 == 2)
        #expect(html.contains("BM25 + rerank") && html.contains("BRIGHT &lt;2 tasks&gt;"))
    }
}
