import Foundation
import Report
import TestSupport
import XCTest

final class ResultsFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testReadsTheResultsFileOfBrightWithItsSettingsAndAverages() throws {
        let run = try ResultsFile.read(Self.fixtures.appendingPathComponent("bright-bm25-2tasks.json"))
        XCTAssertEqual(run.label, "bm25_bright")
        XCTAssertEqual(run.tasks.map(\.name), ["biology", "leetcode"])
        XCTAssertEqual(run.setting("retriever"), "bm25")
        XCTAssertEqual(run.setting("rerank"), "false")
        XCTAssertEqual(run.value("ndcg_cut_10", task: "biology"), 0.5413)
        XCTAssertEqual(run.value("num_q", task: "leetcode"), 5)
        // The file's own average (of unrounded means) wins over the mean of the rounded values.
        XCTAssertEqual(run.average("ndcg_cut_25"), 0.53511)
    }

    func testReadsBrightJSONEvalJSONAndAFolderOfPerTaskFiles() throws {
        let directory = try TestPaths.temporaryDirectory()
        let bright = try write(#"{"tasks": {"pony": {"ndcg_cut_10": 0.25, "num_q": 112}, "aops": {"ndcg_cut_10": 0.5, "num_q": 111}}, "average": {"ndcg_cut_10": 0.375}}"#,
                               "bm25.json", in: directory)
        let fromBright = try ResultsFile.read(bright)
        XCTAssertEqual(fromBright.label, "bm25")
        XCTAssertEqual(fromBright.tasks.map(\.name), ["pony", "aops"])
        XCTAssertTrue(fromBright.settings.isEmpty)

        let flat = try write(#"{"ndcg_cut_10": 0.67075, "recall_100": 0.9, "num_q": 300}"#, "scifact.json", in: directory)
        let fromEval = try ResultsFile.read(flat, label: "BM25 on SciFact")
        XCTAssertEqual(fromEval.label, "BM25 on SciFact")
        XCTAssertEqual(fromEval.tasks.map(\.name), ["scifact"])
        XCTAssertEqual(fromEval.average("ndcg_cut_10"), 0.67075)

        let folder = directory.appendingPathComponent("ReasonIR-8B")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try write(#"{"ndcg_cut_10": 0.4, "num_q": 10}"#, "biology.json", in: folder)
        _ = try write(#"{"ndcg_cut_10": 0.2, "num_q": 10}"#, "aops.json", in: folder)
        _ = try write("not a results file", "notes.txt", in: folder)
        let fromFolder = try ResultsFile.read(folder)
        XCTAssertEqual(fromFolder.label, "ReasonIR-8B")
        XCTAssertEqual(fromFolder.tasks.map(\.name), ["aops", "biology"])
        XCTAssertEqual(try XCTUnwrap(fromFolder.average("ndcg_cut_10")), 0.3, accuracy: 1e-12)
    }

    func testReadsRAGConditionsWithTheirIntervals() throws {
        let directory = try TestPaths.temporaryDirectory()
        let url = try write(#"""
            {"conditions": {"closed": {"accuracy": 0.2, "n": 100, "ci95": [0.12, 0.28]},
                            "open": {"accuracy": 0.25, "n": 100, "ci_low": 0.17, "ci_high": 0.34},
                            "oracle": {"accuracy": 0.3, "n": 100}},
             "difference": {"open_minus_closed": 0.05}}
            """#, "rag.json", in: directory)
        let run = try ResultsFile.read(url)
        XCTAssertEqual(run.conditions.map(\.name), ["closed", "open", "oracle"])
        XCTAssertEqual(run.conditions[0].interval, 0.12...0.28)
        XCTAssertEqual(run.conditions[1].interval, 0.17...0.34)
        XCTAssertNil(run.conditions[2].interval)
        XCTAssertEqual(run.conditions[2].count, 100)
        XCTAssertTrue(run.tasks.isEmpty)
    }

    func testWhatItWritesReadsBackTheSame() throws {
        let directory = try TestPaths.temporaryDirectory()
        let original = try ResultsFile.read(Self.fixtures.appendingPathComponent("bright-minilm-2tasks.json"))
        let copy = directory.appendingPathComponent("copy.json")
        try ResultsFile.write(original, to: copy)
        let again = try ResultsFile.read(copy)
        XCTAssertEqual(again.label, original.label)
        XCTAssertEqual(again.settings, original.settings)
        XCTAssertEqual(again.tasks, original.tasks)
        XCTAssertEqual(again.average("ndcg_cut_10"), original.average("ndcg_cut_10"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(leftovers, ["copy.json"], "no temporary file left beside the results")
    }

    func testBadInputIsAClearErrorNamingTheFileAndTheField() throws {
        let directory = try TestPaths.temporaryDirectory()
        func failure(_ text: String) throws -> ReportError {
            let url = try write(text, "bad-\(UUID().uuidString).json", in: directory)
            do {
                _ = try ResultsFile.read(url)
            } catch let error as ReportError {
                XCTAssertTrue(error.description.hasPrefix(url.path), "\(error) names the file")
                return error
            }
            XCTFail("\(text) was read")
            return .nothingToReport
        }
        guard case .invalidJSON = try failure(#"{"tasks": {"biology": {"ndcg_cut_10": 0.5"#) else { return XCTFail("truncated JSON") }
        let wrongType = try failure(#"{"tasks": {"biology": {"ndcg_cut_10": "high"}}}"#)
        XCTAssertEqual(wrongType, .badField(path: directory.path + "/" + wrongTypeName(wrongType), field: "tasks.biology.ndcg_cut_10",
                                            reason: "expected a number"))
        guard case .badField(_, "tasks", _) = try failure(#"{"tasks": [1, 2]}"#) else { return XCTFail("tasks as a list") }
        guard case .badField(_, "settings.model", _) = try failure(#"{"settings": {"model": [1]}, "ndcg_cut_10": 0.1}"#) else {
            return XCTFail("a setting that is a list")
        }
        guard case .badField(_, "conditions.open.accuracy", _) = try failure(#"{"conditions": {"open": {"n": 3}}}"#) else {
            return XCTFail("a condition without accuracy")
        }
        guard case .noResults = try failure(#"{"model": "x"}"#) else { return XCTFail("no metrics") }
        guard case .badField(_, "(top level)", _) = try failure("[0.5]") else { return XCTFail("a list") }
        XCTAssertThrowsError(try ResultsFile.read(directory.appendingPathComponent("missing.json"))) { error in
            XCTAssertEqual(error as? ReportError, .unreadable(path: directory.appendingPathComponent("missing.json").path,
                                                             reason: "no such file or folder"))
        }
        let empty = directory.appendingPathComponent("empty-folder")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ResultsFile.read(empty)) { XCTAssertEqual($0 as? ReportError, .noResults(path: empty.path)) }
    }

    private func wrongTypeName(_ error: ReportError) -> String {
        guard case .badField(let path, _, _) = error else { return "" }
        return URL(fileURLWithPath: path).lastPathComponent
    }
}
