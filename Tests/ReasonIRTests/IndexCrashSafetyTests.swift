#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ReasonIR
import Testing
import TestSupport

/// Kills `reasonir index` and `reasonir index add` with SIGKILL at random moments and checks that
/// the directory always opens, checksums intact, in its last committed state (old or new).
@Suite(.serialized, .enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct IndexCrashSafetyTests {
    /// Runs `reasonir` and kills it after `delay` seconds unless it ended; true when it was killed.
    func runKilled(_ arguments: [String], after delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = TestPaths.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning, Date() < deadline { usleep(2_000) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return killed && process.terminationReason == .uncaughtSignal
    }

    /// Seconds a full run takes (it also leaves that run's committed result).
    func timed(_ arguments: [String]) throws -> Double {
        let start = Date()
        let result = try TestPaths.runCLI(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return Date().timeIntervalSince(start)
    }

    /// The document count of the committed collection, nil when there is none; any damage fails.
    func committedCount(_ directory: URL) throws -> Int? {
        AtomicDirectory.recover(directory)
        guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
        let opened = try IndexDirectory.open(directory, verifyChecksums: true)
        #expect(opened.bm25?.documentCount == opened.manifest.documentCount)
        #expect(opened.dense?.count == opened.manifest.documentCount && opened.hnsw?.count == opened.manifest.documentCount)
        #expect(!(try opened.search("protein", k: 3, retriever: .bm25)).isEmpty)
        return opened.manifest.documentCount
    }

    @Test func killedIndexAndAddLeaveTheLastCommittedState() throws {
        var random = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["REASONIR_CRASH_SEED"] ?? "") ?? 20261127)
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try CollectionTestData.scifactSlice(0..<300, into: scratch, name: "corpus.jsonl")
        let extra = try CollectionTestData.scifactSlice(300..<340, into: scratch, name: "extra.jsonl")
        let extraIDs = try CollectionTestData.ids(of: extra)
        let directory = scratch.appendingPathComponent("crash.idx")
        let build = ["index", corpus.path, "--out", directory.path, "--bm25", "--dense", TestPaths.tinyBert.path, "--hnsw",
                     "--batch-size", "16", "--threads", "2", "--quiet"]
        let add = ["index", "add", directory.path, extra.path, "--quiet"]

        // How long an uninterrupted build takes in a scratch directory, to spread the kills over it.
        let probe = scratch.appendingPathComponent("probe.idx").path
        let buildSeconds = try timed(build.map { $0 == directory.path ? probe : $0 })
        var kills = 0, states: [String: Int] = [:]

        // `index` from nothing: after each kill there is no collection or a complete one.
        for _ in 0..<25 where kills < 10 {
            let delay = Double(random.next() % 1000) / 1000 * buildSeconds
            if try runKilled(build, after: delay) { kills += 1 }
            let count = try committedCount(directory)
            #expect(count == nil || count == 300)
            states["index:\(count.map(String.init) ?? "none")", default: 0] += 1
        }
        #expect(try timed(build) > 0)
        #expect(try committedCount(directory) == 300)

        // `index add`: 300 documents (old) or 340 (new); a committed add is undone to try again.
        let addSeconds = try timed(add)
        #expect(try committedCount(directory) == 340)
        _ = try IndexDirectory.open(directory).delete(ids: extraIDs)
        for _ in 0..<25 where kills < 20 {
            let delay = Double(random.next() % 1000) / 1000 * addSeconds
            if try runKilled(add, after: delay) { kills += 1 }
            let count = try committedCount(directory)
            #expect(count == 300 || count == 340)
            states["add:\(count.map(String.init) ?? "none")", default: 0] += 1
            if count == 340 { _ = try IndexDirectory.open(directory).delete(ids: extraIDs) }
        }
        #expect(try timed(add) > 0)
        #expect(try committedCount(directory) == 340)
        print("crash safety: \(kills) kills; states after each run: \(states.sorted { $0.key < $1.key })")
        #expect(kills >= 20, "only \(kills) runs were killed before they ended (states: \(states))")
        // Nothing is left beside the collection but the inputs.
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(left == ["corpus.jsonl", "crash.idx", "extra.jsonl", "probe.idx"], "\(states)")
    }
}

/// A small seeded generator, so a failing run can be repeated (`REASONIR_CRASH_SEED`).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
