import Foundation
import Tensor

/// A memory-mapped list of strings: UInt64 offsets[count+1] (little-endian, the first 0), then the
/// strings' UTF-8 bytes, string i at bytes offsets[i]..<offsets[i+1]. The layout of the dense
/// indexes' `ids.bin`, also used by the document store.
public struct StringTable: @unchecked Sendable {
    // @unchecked: the mapping is read-only and owned by `file`.
    public let file: MappedFile
    public let count: Int

    /// Maps `url`, which must hold `count` strings; every offset is checked, so reading never
    /// leaves the file.
    public init(url: URL, count: Int) throws {
        let file = try MappedFile(path: url.path)
        let table = 8 * (count + 1)
        func corrupt(_ reason: String) -> StringTableError { .corrupt(path: url.path, reason: reason) }
        guard count >= 0, file.size >= table else { throw corrupt("shorter than a table of \(count) strings") }
        var previous = 0
        for i in 0...count {
            let offset = Int(truncatingIfNeeded: UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            guard offset >= previous, offset <= file.size - table, i > 0 || offset == 0 else {
                throw corrupt("offsets out of order or range at string \(i)")
            }
            previous = offset
        }
        guard previous == file.size - table else { throw corrupt("the table does not end where its bytes do") }
        self.file = file
        self.count = count
    }

    public subscript(index: Int) -> String {
        let raw = file.bytes
        let start = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
        let end = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * (index + 1), as: UInt64.self)))
        let base = 8 * (count + 1)
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[(base + start)..<(base + end)]), as: UTF8.self)
    }

    /// Writes `strings` in this layout to `url`.
    public static func write(_ strings: some Sequence<String>, to url: URL) throws {
        let writer = try StringTableWriter(url: url)
        for string in strings { writer.append(string) }
        try writer.finish()
    }
}

public enum StringTableError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason): return "\(path): damaged string table: \(reason)"
        }
    }
}
