import Foundation
import TestSupport
import Testing
@testable import Synthesis

@Suite struct JournalTests {
    func record(_ seed: String, _ task: SynthesisTask = .hardQuery, query: String = "q") -> SynthesisRecord {
        SynthesisRecord(seed: seed, task: task, status: .accepted, query: query, positive: "p", calls: 1)
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func recordsSurviveReopeningAndAPairIsWrittenOnce() async throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        do {
            let journal = try SynthesisJournal(url: url)
            #expect(try await journal.append(record("a")))
            #expect(try await journal.append(record("a", .variedLength)))
            #expect(try await !journal.append(record("a", query: "another")), "a pair already done is not written again")
        }
        let journal = try SynthesisJournal(url: url)
        #expect(await journal.records.map(\.query) == ["q", "q"])
        #expect(try lines(url).count == 3)  // two lines and the empty string after the last newline
    }

    @Test func aTornLastLineIsCutOffAndTheNextAppendStartsClean() async throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        do {
            let journal = try SynthesisJournal(url: url)
            try await journal.append(record("a"))
            try await journal.append(record("b"))
        }
        // A kill in the middle of writing the third line.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"calls":1,"invalidAnswers":[],"negatives":[],"posi"#.utf8))
        try handle.close()
        let journal = try SynthesisJournal(url: url)
        #expect(journal.repairedTornLine)
        #expect(await journal.records.map(\.seed) == ["a", "b"])
        try await journal.append(record("c"))
        #expect(try lines(url).filter { !$0.isEmpty }.count == 3)
        let reread = try SynthesisJournal.parse(Array(try Data(contentsOf: url)), path: url.path)
        #expect(reread.records.map(\.seed) == ["a", "b", "c"])
    }

    @Test func aWholeButUndecodableLastLineCountsAsTorn() async throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        do { try await SynthesisJournal(url: url).append(record("a")) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"seed\":\n".utf8))
        try handle.close()
        let journal = try SynthesisJournal(url: url)
        #expect(journal.repairedTornLine)
        #expect(await journal.records.map(\.seed) == ["a"])
    }

    @Test func duplicateLinesKeepTheFirstRecord() async throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        let encoder = JSONEncoder()
        var data = Data()
        for r in [record("a", query: "first"), record("b"), record("a", query: "second")] {
            data.append(try encoder.encode(r))
            data.append(0x0a)
        }
        try data.write(to: url)
        let journal = try SynthesisJournal(url: url)
        #expect(journal.duplicatesIgnored == 1)
        #expect(await journal.records.map(\.query) == ["first", "q"])
    }

    @Test func aDamagedMiddleLineIsAnErrorNamingTheLine() throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        let good = String(decoding: try JSONEncoder().encode(record("a")), as: UTF8.self)
        try "\(good)\nnot json\n\(good)\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: SynthesisError.corruptJournal(path: url.path, line: 2, reason: "")) {
            do { _ = try SynthesisJournal(url: url) } catch SynthesisError.corruptJournal(let path, let line, _) {
                throw SynthesisError.corruptJournal(path: path, line: line, reason: "")
            }
        }
    }

    @Test func twoRunsCannotShareAJournal() throws {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("journal.jsonl")
        let first = try SynthesisJournal(url: url)
        #expect(throws: SynthesisError.busy(path: url.path)) { _ = try SynthesisJournal(url: url) }
        _ = first
    }
}
