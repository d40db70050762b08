import Evaluation
import Foundation
import Report
import TestSupport
import XCTest

/// A real report looked at in a real browser (headless Chromium): BM25 and MiniLM from `reasonir
/// bright --results` on BRIGHT's 12 tasks (real examples, synthetic documents:
/// benchmarks/bright_report.sh made the fixtures) beside ReasonIR-8B's published runs, scored here.
final class BrowserRenderingTests: XCTestCase {
    static func publishedRun() throws -> ReportRun {
        var results = TaskResults()
        for task in BRIGHTDataset.tasks {
            let run = try Run.read(from: TestPaths.bright.appendingPathComponent("runs/reasonir-8b-gpt4-reasoning-top100/\(task).trec"))
            let examples = try BRIGHTDataset.examples(at: TestPaths.bright.appendingPathComponent("examples/\(task).jsonl")).collect()
            results.tasks.append((task, Evaluator(metrics: .standard).evaluate(run: run, brightExamples: examples)))
        }
        return ReportRun(label: "ReasonIR-8B (published runs, GPT-4 reasoning queries)", settings: [Setting("retriever", "ReasonIR-8B")],
                         results: results)
    }

    func testTheReportLoadsInChromiumWithABarPerTaskAndRun() throws {
        guard let browser = HeadlessBrowser.find() else {
            throw XCTSkip("no chromium on PATH: scripts/install-deps.sh --test installs Debian's (scripts/test.sh does)")
        }
        var runs = try ["bright12-bm25-synthetic.json", "bright12-minilm-synthetic.json"].map {
            try ResultsFile.read(ResultsFileTests.fixtures.appendingPathComponent($0))
        }
        runs.append(try Self.publishedRun())
        let report = HTMLReport(title: "BRIGHT: BM25, MiniLM and ReasonIR-8B", runs: runs)
        XCTAssertEqual(report.tasks.count, 12)
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = scratch.appendingPathComponent("report.html")
        try report.write(to: page)

        // Read as XHTML, the browser stops at the first markup error and shows a <parsererror>.
        let strict = scratch.appendingPathComponent("report.xhtml")
        try FileManager.default.copyItem(at: page, to: strict)
        let (dom, log) = try browser.dumpDOM(strict)
        XCTAssertFalse(dom.contains("parsererror"), "the page is well-formed: \(dom.prefix(2000))")
        XCTAssertFalse(log.contains("Uncaught") || log.contains("CONSOLE("), "no script errors: \(log)")
        XCTAssertTrue(dom.contains("BRIGHT: BM25, MiniLM and ReasonIR-8B"))
        XCTAssertEqual(dom.components(separatedBy: "class=\"task-bar\"").count - 1, 12 * 3, "12 tasks × 3 runs")
        XCTAssertEqual(dom.components(separatedBy: "class=\"avg-bar\"").count - 1, 3)

        let png = scratch.appendingPathComponent("report.png")
        try browser.screenshot(page, to: png, width: 1280, height: 1400)
        let bytes = [UInt8](try Data(contentsOf: png))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(bigEndian(16), 1280)
        XCTAssertEqual(bigEndian(20), 1400)
        // A blank page compresses to a few kilobytes; charts, text and tables do not.
        XCTAssertGreaterThan(bytes.count, 40_000)
        if let keep = ProcessInfo.processInfo.environment["REASONIR_KEEP_REPORT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep))
        }
    }
}
