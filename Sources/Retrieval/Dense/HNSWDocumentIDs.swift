import Foundation
import Tensor

/// Document ids by node position. A table read from disk stays mapped (`ids.bin`: UInt64
/// offsets[count+1], then the UTF-8 bytes); ids added later are kept in memory after it.
struct HNSWDocumentIDs: @unchecked Sendable {
    private var mapped: MappedFile?
    private var mappedCount = 0
    private var offsets: [Int] = [0]
    private var bytes: [UInt8] = []

    init() {}

    /// Adopts a mapped `ids.bin` of `count` ids after checking its table.
    init(mapped file: MappedFile, count: Int) throws {
        let table = 8 * (count + 1)
        guard count >= 0, file.size >= table else {
            throw VectorIndexError.corrupt(path: file.path, reason: "the id table is shorter than \(count) ids")
        }
        let raw = file.bytes
        var previous = 0
        for i in 0...count {
            let offset = Int(truncatingIfNeeded: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            guard offset >= previous, offset <= file.size - table, i > 0 || offset == 0 else {
                throw VectorIndexError.corrupt(path: file.path, reason: "the id offsets are out of order or range")
            }
            previous = offset
        }
        guard previous == file.size - table else {
            throw VectorIndexError.corrupt(path: file.path, reason: "the id table does not end where its bytes do")
        }
        mapped = file
        mappedCount = count
    }

    var count: Int { mappedCount + offsets.count - 1 }

    func id(at position: Int) -> String {
        if position < mappedCount, let mapped {
            let raw = mapped.bytes
            let start = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * position, as: UInt64.self)))
            let end = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * (position + 1), as: UInt64.self)))
            let base = 8 * (mappedCount + 1)
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[(base + start)..<(base + end)]), as: UTF8.self)
        }
        let i = position - mappedCount
        return String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self)
    }

    mutating func append(_ id: String) {
        bytes.append(contentsOf: id.utf8)
        offsets.append(bytes.count)
    }

    /// The table in the `ids.bin` layout.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        var ids: [String] = []
        ids.reserveCapacity(count)
        for i in 0..<count { ids.append(id(at: i)) }
        let total = ids.reduce(0) { $0 + $1.utf8.count }
        out.reserveCapacity(8 * (count + 1) + total)
        var offset: UInt64 = 0
        func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        put(0)
        for id in ids {
            offset += UInt64(id.utf8.count)
            put(offset)
        }
        for id in ids { out.append(contentsOf: id.utf8) }
        return out
    }
}
