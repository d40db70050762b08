import Foundation
import TestSupport
import Testing
@testable import Synthesis

@Suite struct TrainingFilesTests {
    @Test func writesTheGritLMShapeTripletsAndRejectionsInSeedOrder() throws {
        let directory = try TestPaths.temporaryDirectory()
        let records = [
            SynthesisRecord(seed: "s2", task: .hardQuery, status: .rejected,
                            rejections: [Rejection(step: .hardQuery, reason: .quotesDocument, detail: "copied \"text\"")]),
            SynthesisRecord(seed: "s1", task: .variedLength, status: .accepted, query: "short q", positive: "doc\nline",
                            targetWords: 10, negatives: [.init(source: .bm25, id: "x", text: "mined")]),
            SynthesisRecord(seed: "s1", task: .hardQuery, status: .accepted, query: "hard q", positive: "seed text",
                            negatives: [.init(source: .bm25, id: "y", text: "mined 2"), .init(source: .llm, text: "written")]),
        ]
        let ordered = TrainingFiles.ordered(records + [records[0]], seeds: ["s1", "s2"], tasks: [.hardQuery, .variedLength])
        #expect(ordered.map { "\($0.seed)/\($0.task.rawValue)" } == ["s1/hq", "s1/vl", "s2/hq"])
        let options = SynthesisOptions(queryInstruction: "Given a question, retrieve passages", documentInstruction: "")
        let report = SynthesisReport.make(records: ordered, selection: SeedStatistics(), scorer: "test")
        try TrainingFiles.write(records: ordered, options: options, report: report, to: directory)

        let train = try String(contentsOf: directory.appendingPathComponent("train.jsonl"), encoding: .utf8)
        let rows = train.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 2)
        #expect(rows[0]["query"] as? [String] == ["Given a question, retrieve passages", "hard q"])
        #expect(rows[0]["pos"] as? [[String]] == [["", "seed text"]])
        #expect(rows[0]["neg"] as? [[String]] == [["", "mined 2"], ["", "written"]])
        #expect(rows[1]["pos"] as? [[String]] == [["", "doc\nline"]])
        #expect(train.hasPrefix(#"{"query":["#), "members in the training format's order")

        let triplets = try String(contentsOf: directory.appendingPathComponent("triplets.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: String] }
        #expect(triplets.count == 3)
        #expect(triplets[1] == ["anchor": "hard q", "positive": "seed text", "negative": "written"])

        let rejected = try String(contentsOf: directory.appendingPathComponent("rejected.jsonl"), encoding: .utf8)
        let rejection = try JSONSerialization.jsonObject(with: Data(rejected.utf8)) as! [String: String]
        #expect(rejection["reason"] == "quotes_document" && rejection["detail"] == "copied \"text\"")

        #expect(report.tasks["hq"] == SynthesisReport.TaskCounts(records: 2, accepted: 1, rejected: 1, bm25Negatives: 1,
                                                                  llmNegatives: 1, triplets: 2, llmCalls: 0))
        #expect(report.rejectedRecords == ["hq/quotes_document": 1])
        #expect(report.examples["llm_negative"]?.first?.text == "written")
        #expect(report.table.contains("hq/quotes_document"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(json?["rejectedRecords"] as? [String: Int] == ["hq/quotes_document": 1])
    }
}
