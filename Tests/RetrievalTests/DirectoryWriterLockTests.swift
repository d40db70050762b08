#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import TestSupport
@testable import Retrieval

@Suite("Storage: the writer lock of an index directory")
struct DirectoryWriterLockTests {
    @Test("one holder at a time; the second fails naming the directory and the holder, or waits; the file goes on release")
    func exclusive() throws {
        let parent = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = parent.appendingPathComponent("a.idx")
        let first = try DirectoryWriterLock(directory: directory)
        let file = DirectoryWriterLock.lockFile(for: directory)
        #expect(file.lastPathComponent == ".a.idx.lock" && file.deletingLastPathComponent().path == parent.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "\(getpid())\n")
        #expect(throws: DirectoryLockError.busy(directory: directory.path, pid: getpid())) {
            try DirectoryWriterLock(directory: directory)
        }
        let message = DirectoryLockError.busy(directory: directory.path, pid: 4242).description
        #expect(message.hasPrefix("index directory \(directory.path) is being written by process 4242"))
        // Another directory beside it is not held.
        _ = try DirectoryWriterLock(directory: parent.appendingPathComponent("b.idx"))

        // A waiter gets the lock once the holder lets go.
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { first.release() }
        let second = try DirectoryWriterLock(directory: directory, wait: 30)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        second.release()
        second.release()  // twice is harmless
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("a lock file left by a killed writer does not block the next one")
    func staleFile() throws {
        let parent = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = parent.appendingPathComponent("c.idx")
        try "999999\n".write(to: DirectoryWriterLock.lockFile(for: directory), atomically: true, encoding: .utf8)
        let lock = try DirectoryWriterLock(directory: directory)
        #expect(try String(contentsOf: lock.lockFile, encoding: .utf8) == "\(getpid())\n")
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: lock.lockFile.path))
    }
}
