import Foundation
import Testing
import TestSupport
@testable import Training

struct TrainingDataTests {
    func file(_ text: String) throws -> URL {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("train.jsonl")
        try Data(text.utf8).write(to: url)
        return url
    }

    func failure(_ text: String) throws -> TrainingError? {
        do { _ = try TrainingDataFile.load(try file(text)); return nil } catch let error as TrainingError { return error }
    }

    @Test func readsBothShapes() throws {
        let rows = try TrainingDataFile.load(try file("""
            {"query": ["Find: ", "q1"], "pos": [["Doc: ", "p1"]], "neg": [["Doc: ", "n1"], ["", "n2"]]}

            {"query": "q2", "positive": "p2", "negative": "n3"}
            {"anchor": "q3", "positive": "p3", "negatives": ["n4", "n5"]}
            {"query": "q4", "pos": ["p4", "p5"]}
            """))
        #expect(rows == [TrainingExample(query: "Find: q1", positive: "Doc: p1", negatives: ["Doc: n1", "n2"]),
                         TrainingExample(query: "q2", positive: "p2", negatives: ["n3"]),
                         TrainingExample(query: "q3", positive: "p3", negatives: ["n4", "n5"]),
                         TrainingExample(query: "q4", positive: "p4", negatives: [])])
    }

    @Test func badRowsNameFileAndLine() throws {
        let malformed = try failure("{\"query\": \"q\", \"positive\": \"p\"}\n{\"query\": \"q\", \"positive\": }\n")
        guard case .badData(_, 2, let reason)? = malformed else { Issue.record("got \(String(describing: malformed))"); return }
        #expect(reason.contains("malformed JSON"))
        #expect("\(malformed!)".contains("train.jsonl:2:"))
        let missing = try failure("{\"query\": \"q\"}\n")
        #expect(missing.map { "\($0)" }?.contains("train.jsonl:1: missing field \"positive\"") == true)
        let noQuery = try failure("{\"positive\": \"p\"}\n")
        #expect(noQuery.map { "\($0)" }?.contains("missing field \"query\"") == true)
        let noPositive = try failure("{\"query\": \"q\", \"pos\": []}\n")
        #expect(noPositive.map { "\($0)" }?.contains("train.jsonl:1: the row has no positive") == true)
        let wrongType = try failure("{\"query\": 3, \"positive\": \"p\"}\n")
        #expect(wrongType.map { "\($0)" }?.contains("\"query\" must be a string") == true)
        let notObject = try failure("[1, 2]\n")
        #expect(notObject.map { "\($0)" }?.contains("must be a JSON object") == true)
        let empty = try failure("\n\n")
        #expect(empty.map { "\($0)" }?.contains("no training rows") == true)
    }
}

struct NoDuplicatesBatchSamplerTests {
    @Test func batchesHoldNoTextTwiceAndCoverEveryRow() {
        // Rows 0-9; every third row shares its positive with the row before it.
        let rows = (0..<30).map { i in
            TrainingExample(query: "q\(i)", positive: i % 3 == 2 ? "p\(i - 1)" : "p\(i)", negatives: ["n\(i % 7)"])
        }
        let sampler = NoDuplicatesBatchSampler(batchSize: 4, seed: 5)
        let batches = sampler.batches(rows, epoch: 0)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<30))
        for batch in batches {
            let texts = batch.flatMap { rows[$0].texts }
            #expect(Set(texts).count == texts.count, "batch \(batch) repeats a text")
        }
        #expect(batches.dropLast().allSatisfy { $0.count == 4 } || batches.count > 8)
        #expect(sampler.batches(rows, epoch: 0) == batches, "seeded")
        #expect(sampler.batches(rows, epoch: 1) != batches, "each epoch reshuffles")
        #expect(NoDuplicatesBatchSampler(batchSize: 4, seed: 6).batches(rows, epoch: 0) != batches)
    }
}
