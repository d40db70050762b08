import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Report
import XCTest

/// Counts the elements of a page read as XML, and fails on anything not well-formed.
final class ElementCounter: NSObject, XMLParserDelegate {
    private(set) var counts: [String: Int] = [:]
    private(set) var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        for klass in (attributes["class"] ?? "").split(separator: " ") { counts["." + klass, default: 0] += 1 }
        if let id = attributes["id"] { counts["#" + id, default: 0] += 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    static func parse(_ page: String, file: StaticString = #filePath, line: UInt = #line) -> ElementCounter? {
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(page.utf8))
        parser.delegate = counter
        guard parser.parse() else {
            XCTFail("not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
            return nil
        }
        return counter
    }
}

final class HTMLReportTests: XCTestCase {
    private func run(_ label: String, tasks: [String: Double], settings: [Setting] = [], order: [String]? = nil) -> ReportRun {
        ReportRun(label: label, source: "/results/\(label).json", settings: settings,
                  tasks: (order ?? tasks.keys.sorted()).map { TaskScores(name: $0, metrics: [("ndcg_cut_10", tasks[$0]!), ("recall_100", 0.5), ("num_q", 10)]) })
    }

    func testOneBarPerTaskAndRunAndAWellFormedPage() throws {
        let names = ["biology", "earth_science", "economics", "psychology", "robotics", "stackoverflow",
                     "sustainable_living", "leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems"]
        let runs = (0..<4).map { r in
            run("run \(r)", tasks: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double($0 + r) / 40) }), order: names)
        }
        let report = HTMLReport(title: "BRIGHT", runs: runs)
        let page = try report.render()
        let counter = try XCTUnwrap(ElementCounter.parse(page))
        XCTAssertEqual(counter.counts[".task-bar"], 12 * 4)
        XCTAssertEqual(report.taskBarCount, 48)
        XCTAssertEqual(counter.counts[".avg-bar"], 4)
        XCTAssertEqual(counter.counts["#per-task"], 1)
        XCTAssertNil(counter.counts[".point"], "no compute curve without compute settings")
        XCTAssertNil(counter.counts[".rag-bar"])
        XCTAssertFalse(page.contains("<script"), "readable without JavaScript")
        XCTAssertFalse(page.contains("http://") && page.contains("src="), "nothing fetched from the network")
        // The papers' table: × 100 with one decimal, and the average.
        XCTAssertTrue(counter.text.contains("27.5"), "run 0's theoremqa_theorems, 11/40, as 27.5")
        XCTAssertTrue(counter.text.contains("35.0"), "run 3's theoremqa_theorems, 14/40, as 35.0")
    }

    func testMissingTasksDrawNoBarAndLabelsAreEscaped() throws {
        let evil = "<script>alert('x')</script> & \"quotes\""
        let runs = [run(evil, tasks: ["biology": 0.5, "pony": 0.25]), run("BM25", tasks: ["biology": 0.4])]
        let page = try HTMLReport(title: "A & B <test>", runs: runs).render()
        let counter = try XCTUnwrap(ElementCounter.parse(page))
        XCTAssertEqual(counter.counts[".task-bar"], 3)
        XCTAssertNil(counter.counts["script"], "a label cannot inject markup")
        XCTAssertTrue(counter.text.contains(evil))
        XCTAssertTrue(page.contains("The runs cover different tasks"), "averages over different task sets are flagged")
    }

    func testComputeCurvesFromRerankDepthWithTheUnrerankedRunAtZero() throws {
        func settings(_ depth: Int?) -> [Setting] {
            [Setting("retriever", "bm25"), Setting("rerank", depth == nil ? "false" : "true")]
                + (depth.map { [Setting("rerank_depth", String($0))] } ?? [])
        }
        let runs = [run("bm25", tasks: ["biology": 0.2], settings: settings(nil)),
                    run("bm25 rerank 10", tasks: ["biology": 0.25], settings: settings(10)),
                    run("bm25 rerank 100", tasks: ["biology": 0.3], settings: settings(100)),
                    run("dense", tasks: ["biology": 0.1], settings: [Setting("retriever", "dense m"), Setting("rerank", "false")])]
        let page = try HTMLReport(runs: runs).render()
        let counter = try XCTUnwrap(ElementCounter.parse(page))
        XCTAssertEqual(counter.counts["#curve-rerank_depth"], 1)
        XCTAssertEqual(counter.counts[".point"], 3, "bm25 at depths 0, 10, 100; dense has one point and no line")
        XCTAssertEqual(counter.counts["polyline"], 1)
        XCTAssertNil(counter.counts["#curve-rewrite_token_budget"])
    }

    func testRAGAccuracyByConditionWithWhiskers() throws {
        let rag = ReportRun(label: "Qwen 0.5B, BM25 k=3", conditions: [
            ConditionAccuracy(name: "closed", accuracy: 0.1, count: 50, interval: 0.04...0.2),
            ConditionAccuracy(name: "open", accuracy: 0.14, count: 50, interval: 0.06...0.24),
            ConditionAccuracy(name: "oracle", accuracy: 0.2, count: 50),
        ])
        let page = try HTMLReport(runs: [rag]).render()
        let counter = try XCTUnwrap(ElementCounter.parse(page))
        XCTAssertEqual(counter.counts[".rag-bar"], 3)
        XCTAssertEqual(counter.counts[".whisker"], 2)
        XCTAssertNil(counter.counts[".task-bar"])
        XCTAssertTrue(counter.text.contains("0.140 [0.060, 0.240] (n = 50)"))
    }

    func testNothingToReportIsAnError() {
        XCTAssertThrowsError(try HTMLReport(runs: []).render()) { XCTAssertEqual($0 as? ReportError, .nothingToReport) }
    }
}
