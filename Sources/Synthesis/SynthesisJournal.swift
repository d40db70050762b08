import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The append-only record of finished (seed, task) pairs: one JSON line each, written with one
/// `write` and made durable with `fsync` before the pair counts as done. A run killed at any
/// moment leaves whole lines and at most one torn last line; reopening cuts the torn line off,
/// so the next append starts on a clean line. A pair that appears twice keeps its first record.
/// An exclusive `flock` keeps two runs from writing the same journal.
public actor SynthesisJournal {
    public nonisolated let url: URL
    private let descriptor: Int32
    /// The finished records, one per pair, in the order they were written.
    public private(set) var records: [SynthesisRecord]
    private var keys: Set<SynthesisRecord.Key>
    /// What opening found: a torn last line cut off, duplicate pairs ignored.
    public nonisolated let repairedTornLine: Bool
    public nonisolated let duplicatesIgnored: Int

    public init(url: URL) throws {
        self.url = url
        let path = url.path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SynthesisError.journal(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SynthesisError.busy(path: path)
        }
        do {
            let data = try Self.readAll(descriptor, path: path)
            let parsed = try Self.parse(data, path: path)
            if parsed.validBytes < data.count {
                guard ftruncate(descriptor, off_t(parsed.validBytes)) == 0, fsync(descriptor) == 0 else {
                    throw SynthesisError.journal(path: path, reason: "cannot cut off the torn last line: \(String(cString: strerror(errno)))")
                }
            }
            guard lseek(descriptor, 0, SEEK_END) >= 0 else {
                throw SynthesisError.journal(path: path, reason: String(cString: strerror(errno)))
            }
            var keys = Set<SynthesisRecord.Key>()
            var records: [SynthesisRecord] = []
            for record in parsed.records where keys.insert(record.key).inserted { records.append(record) }
            self.records = records
            self.keys = keys
            self.repairedTornLine = parsed.validBytes < data.count
            self.duplicatesIgnored = parsed.records.count - records.count
            self.descriptor = descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        close(descriptor)
    }

    public func contains(_ key: SynthesisRecord.Key) -> Bool { keys.contains(key) }

    /// Appends `record` durably, unless its pair is already done; returns whether it was added.
    @discardableResult
    public func append(_ record: SynthesisRecord) throws -> Bool {
        guard !keys.contains(record.key) else { return false }
        var line = try Self.encoder.encode(record)
        line.append(0x0a)
        try line.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SynthesisError.journal(path: url.path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else {
            throw SynthesisError.journal(path: url.path, reason: "fsync: \(String(cString: strerror(errno)))")
        }
        keys.insert(record.key)
        records.append(record)
        return true
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func readAll(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SynthesisError.journal(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return data
    }

    /// The records of whole lines, and how many bytes they span. The last line is torn when it
    /// has no newline or does not decode; any other line that does not decode is an error.
    public static func parse(_ data: [UInt8], path: String) throws -> (records: [SynthesisRecord], validBytes: Int) {
        var records: [SynthesisRecord] = []
        var start = 0
        var lineNumber = 0
        let decoder = JSONDecoder()
        while start < data.count {
            lineNumber += 1
            guard let end = data[start...].firstIndex(of: 0x0a) else { break }  // no newline: torn
            let line = data[start..<end]
            if line.allSatisfy({ $0 == 0x20 }) {
                start = end + 1
                continue
            }
            do {
                records.append(try decoder.decode(SynthesisRecord.self, from: Data(line)))
            } catch {
                if end + 1 >= data.count { break }  // the last line: torn
                throw SynthesisError.corruptJournal(path: path, line: lineNumber, reason: "not a synthesis record (\(error))")
            }
            start = end + 1
        }
        return (records, start)
    }
}
