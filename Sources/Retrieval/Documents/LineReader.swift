import Foundation

/// Reads a text file line by line in fixed-size chunks, so a corpus of millions of lines
/// never needs to be in memory at once. Lines are split on `\n`; a trailing `\r` is dropped.
///
/// A read that fails ends the lines: `for line in reader` then stops early, so callers that must
/// not take a damaged file for a short one iterate with `nextLine()`, which throws instead.
public struct LineReader: Sequence {
    public let url: URL
    public let chunkSize: Int

    /// Fails with `FileError.cannotOpen` when the file is missing or unreadable.
    public init(url: URL, chunkSize: Int = 1 << 20) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw FileError.cannotOpen(path: url.path)
        }
        self.url = url
        self.chunkSize = chunkSize
    }

    /// A line's bytes and its 1-based number in the file.
    public struct Line {
        public var number: Int
        public var bytes: ArraySlice<UInt8>

        /// The line decoded as UTF-8, or nil when it is not valid UTF-8.
        public var string: String? {
            String(validating: bytes, as: UTF8.self)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(path: url.path, handle: FileHandle(forReadingAtPath: url.path), chunkSize: chunkSize)
    }

    public struct Iterator: IteratorProtocol {
        let path: String
        let handle: FileHandle?
        let chunkSize: Int
        var buffer: [UInt8] = []
        var start = 0
        var eof = false
        var lineNumber = 0
        /// Why reading stopped early, if it did.
        public private(set) var failure: FileError?

        init(path: String, handle: FileHandle?, chunkSize: Int) {
            self.path = path
            self.handle = handle
            self.chunkSize = chunkSize
            self.eof = handle == nil
            if handle == nil { failure = .cannotOpen(path: path) }
        }

        /// The next line, nil at the end of the file; throws when a read fails.
        public mutating func nextLine() throws(FileError) -> Line? {
            let line = next()
            if line == nil, let failure { throw failure }
            return line
        }

        public mutating func next() -> Line? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    var end = newline
                    if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    let line = buffer[start..<end]
                    start = newline + 1
                    lineNumber += 1
                    return Line(number: lineNumber, bytes: line)
                }
                if eof {
                    guard start < buffer.count else { return nil }
                    var end = buffer.count
                    if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    let line = buffer[start..<end]
                    start = buffer.count
                    lineNumber += 1
                    return Line(number: lineNumber, bytes: line)
                }
                if failure != nil { return nil }
                // Keep the unfinished tail, then read the next chunk.
                buffer.removeFirst(start)
                start = 0
                let chunk: Data?
                do {
                    chunk = try handle?.read(upToCount: chunkSize)
                } catch {
                    // Dropping the unread tail: a damaged file must not pass for a shorter one.
                    failure = .readFailed(path: path, line: lineNumber, reason: Self.reason(error))
                    buffer.removeAll()
                    eof = true
                    try? handle?.close()
                    return nil
                }
                if let chunk, !chunk.isEmpty {
                    buffer.append(contentsOf: chunk)
                } else {
                    eof = true
                    try? handle?.close()
                }
            }
        }

        static func reason(_ error: any Error) -> String {
            let nsError = error as NSError
            if nsError.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(nsError.code)) {
                return String(cString: strerror(code.rawValue))
            }
            if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(underlying.code)))
            }
            return nsError.localizedDescription
        }
    }
}
