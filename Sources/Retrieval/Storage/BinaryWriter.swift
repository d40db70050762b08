import Foundation

/// Buffered little-endian writer for index files.
public final class BinaryWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    public private(set) var offset: Int = 0

    public init(creating path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw FileError.cannotOpen(path: path)
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    public func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        offset += MemoryLayout<T>.size
        if buffer.count >= 1 << 20 { flushBuffer() }
    }

    public func write<T: FixedWidthInteger>(contentsOf values: [T]) {
        for value in values { write(value) }
    }

    public func write(bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= 1 << 20 { flushBuffer() }
    }

    /// Pads with zeros to a multiple of `alignment`, so arrays that follow can be read in place.
    public func align(to alignment: Int) {
        while offset % alignment != 0 { write(UInt8(0)) }
    }

    private func flushBuffer() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs to disk and closes.
    public func close() throws {
        flushBuffer()
        try handle.synchronize()
        try handle.close()
    }
}
