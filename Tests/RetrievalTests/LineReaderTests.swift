import Foundation
import Retrieval
import Testing
import TestSupport

/// Lines in chunks, and a failed read reported as one rather than taken for the end of the file.
@Suite struct LineReaderTests {
    @Test func linesAcrossChunkBoundariesWithCRLFAndNoFinalNewline() throws {
        let file = try TestPaths.temporaryDirectory().appendingPathComponent("lines.txt")
        try Data("first\r\nsecond line\n\nlast".utf8).write(to: file)
        var lines = try LineReader(url: file, chunkSize: 3).makeIterator()
        var texts: [String] = []
        while let line = try lines.nextLine() { texts.append(line.string ?? "?") }
        #expect(texts == ["first", "second line", "", "last"])
    }

    @Test func aReadErrorIsThrownNotAShortFile() throws {
        // A directory opens for reading on Linux, and its first read fails (EISDIR): a real I/O error.
        let directory = try TestPaths.temporaryDirectory()
        var lines = try LineReader(url: directory).makeIterator()
        #expect(throws: FileError.self) { _ = try lines.nextLine() }
        #expect(lines.failure != nil)
        guard case .readFailed(let path, 0, let reason)? = lines.failure else {
            Issue.record("expected readFailed, got \(String(describing: lines.failure))"); return
        }
        #expect(path == directory.path)
        #expect(!reason.isEmpty)
        #expect(lines.next() == nil, "and stays at its end")
    }
}
