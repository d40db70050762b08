import Foundation

/// Writes a ``StringTable`` from strings given one at a time, so that a corpus streams through
/// without being held in memory: the bytes go to a side file as they come, only the offsets
/// (8 bytes a string) stay in memory, and `finish` writes the table then copies the bytes after it.
public final class StringTableWriter {
    public let url: URL
    private let bytesURL: URL
    private let bytes: BinaryWriter
    private var offsets: [UInt64] = [0]

    public var count: Int { offsets.count - 1 }

    public init(url: URL) throws {
        self.url = url
        bytesURL = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).bytes")
        bytes = try BinaryWriter(creating: bytesURL.path)
    }

    public func append(_ string: String) {
        bytes.write(bytes: string.utf8)
        offsets.append(UInt64(bytes.offset))
    }

    /// Writes the table to `url` and removes the side file.
    public func finish() throws {
        try bytes.close()
        let table = try BinaryWriter(creating: url.path)
        table.write(contentsOf: offsets)
        guard let source = FileHandle(forReadingAtPath: bytesURL.path) else { throw FileError.cannotOpen(path: bytesURL.path) }
        defer { try? source.close() }
        while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty { table.write(bytes: chunk) }
        try table.close()
        try FileManager.default.removeItem(at: bytesURL)
    }
}
