import Foundation
import Tensor

/// A memory-mapped GGUF file (versions 2 and 3): header, metadata, tensor infos, then the tensor data,
/// aligned to `general.alignment` (default 32).
///
/// Everything but the tensor data is parsed and checked when the file is opened: every value type,
/// string and array length, tensor type id, block divisibility of each row and each tensor's byte range.
/// Tensor data stays in the mapping; ``rawData(_:)`` gives its bytes, and the dequantizing readers
/// (``dequantize(_:rows:into:)``, ``floatTensor(_:)``) decode them.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// Tensor infos in file order.
    public let tensorInfos: [GGUFTensorInfo]
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int
    let file: MappedFile
    private let index: [String: Int]

    public init(path: String) throws {
        self.path = path
        do {
            file = try MappedFile(path: path)
        } catch .missing(let path) {
            throw ModelFileError.missingFile(path: path, what: "GGUF file")
        } catch .unreadable(let path, let reason) {
            throw ModelFileError.unreadable(path: path, reason: reason)
        }
        var reader = GGUFReader(bytes: file.bytes, path: path)
        let magic = try reader.bytes(4, field: "magic")
        guard magic.elementsEqual("GGUF".utf8) else { throw GGUFError.badMagic(path: path, found: Array(magic)) }
        version = try reader.scalar(UInt32.self, field: "version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(path: path, version: version) }
        let tensorCount = try reader.count(field: "tensor count")
        let keyCount = try reader.count(field: "metadata count")

        var entries: [(String, GGUFValue)] = []
        for k in 0..<keyCount {
            let key = try reader.string(field: "metadata key #\(k)")
            let rawType = try reader.scalar(UInt32.self, field: "type of \(key)")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw GGUFError.invalid(path: path, field: key, reason: "unknown value type \(rawType)")
            }
            entries.append((key, try reader.value(of: type, field: key, depth: 0)))
        }
        metadata = GGUFMetadata(path: path, entries: entries)

        if let value = metadata["general.alignment"] {
            guard let a = value.intValue, a > 0, a & (a - 1) == 0 else {
                throw GGUFError.invalid(path: path, field: "general.alignment", reason: "\(value) is not a power of two")
            }
            alignment = a
        } else {
            alignment = 32
        }

        var pending: [(name: String, type: GGUFTensorType, ne: [Int], offset: Int)] = []
        for t in 0..<tensorCount {
            let name = try reader.string(field: "name of tensor #\(t)")
            let dims = Int(try reader.scalar(UInt32.self, field: "dimension count of \(name)"))
            guard (1...4).contains(dims) else {
                throw GGUFError.invalid(path: path, field: name, reason: "\(dims) dimensions (GGML allows 1 to 4)")
            }
            var ne: [Int] = []
            for d in 0..<dims {
                let n = try reader.scalar(UInt64.self, field: "ne[\(d)] of \(name)")
                guard let value = Int(exactly: n), value >= 0 else {
                    throw GGUFError.invalid(path: path, field: name, reason: "dimension \(n) is too large")
                }
                ne.append(value)
            }
            let typeID = try reader.scalar(UInt32.self, field: "type of \(name)")
            guard let type = GGUFTensorType(id: typeID) else {
                throw GGUFError.unknownTensorType(path: path, tensor: name, typeID: typeID)
            }
            let rawOffset = try reader.scalar(UInt64.self, field: "offset of \(name)")
            guard let offset = Int(exactly: rawOffset) else {
                throw GGUFError.invalid(path: path, field: name, reason: "data offset \(rawOffset) is too large")
            }
            pending.append((name, type, ne, offset))
        }
        let end = reader.position
        dataOffset = (end + alignment - 1) / alignment * alignment

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for t in pending {
            guard index[t.name] == nil else {
                throw GGUFError.invalid(path: path, field: t.name, reason: "tensor name listed twice")
            }
            var count = 1
            for n in t.ne {
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow else { throw GGUFError.shapeMismatch(path: path, tensor: t.name, reason: "element count of \(t.ne) overflows") }
                count = product
            }
            guard t.ne[0] % t.type.blockSize == 0, let bytes = t.type.byteCount(elements: count) else {
                throw GGUFError.shapeMismatch(
                    path: path, tensor: t.name,
                    reason: "rows of \(t.ne[0]) values are not whole \(t.type) blocks of \(t.type.blockSize)")
            }
            guard t.offset % alignment == 0 else {
                throw GGUFError.invalid(path: path, field: t.name, reason: "data offset \(t.offset) is not a multiple of the alignment \(alignment)")
            }
            let (start, o1) = dataOffset.addingReportingOverflow(t.offset)
            let (stop, o2) = start.addingReportingOverflow(bytes)
            guard !o1, !o2, stop <= file.size else {
                throw GGUFError.tensorDataOutOfRange(path: path, tensor: t.name,
                                                     range: o1 || o2 ? t.offset..<t.offset : start..<stop, fileSize: file.size)
            }
            index[t.name] = infos.count
            infos.append(GGUFTensorInfo(name: t.name, type: t.type, ne: t.ne, offset: t.offset, byteRange: start..<stop))
        }
        tensorInfos = infos
        self.index = index
    }

    public convenience init(url: URL) throws { try self.init(path: url.path) }

    /// The architecture (`general.architecture`, e.g. "llama", "qwen2").
    public var architecture: String? { metadata["general.architecture"]?.stringValue }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    public func tensorInfo(_ name: String) throws -> GGUFTensorInfo {
        guard let i = index[name] else { throw GGUFError.missingTensor(path: path, name: name) }
        return tensorInfos[i]
    }

    /// The raw (possibly quantized) bytes of a tensor, in the mapping.
    public func rawData(_ info: GGUFTensorInfo) -> UnsafeRawBufferPointer { file.bytes(info.byteRange) }

    /// The mapping itself, for callers that keep pointers into it (it must outlive them).
    public var mappedFile: MappedFile { file }
}

/// A bounds-checked little-endian cursor over the header; every read names the field it is reading.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var position = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func bytes(_ n: Int, field: String) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - position else {
            throw GGUFError.truncated(path: path, field: field, offset: bytes.count)
        }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type, field: String) throws -> T {
        let raw = try bytes(MemoryLayout<T>.size, field: field)
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    /// A u64 count, which must be small enough to describe data inside the file.
    mutating func count(field: String) throws -> Int {
        let n = try scalar(UInt64.self, field: field)
        guard n <= UInt64(bytes.count) else {
            throw GGUFError.invalid(path: path, field: field, reason: "count \(n) exceeds the file size")
        }
        return Int(n)
    }

    mutating func string(field: String) throws -> String {
        let length = try count(field: field)
        return String(decoding: try bytes(length, field: field), as: UTF8.self)
    }

    mutating func value(of type: GGUFValueType, field: String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try scalar(UInt8.self, field: field))
        case .int8: return .int8(try scalar(Int8.self, field: field))
        case .uint16: return .uint16(try scalar(UInt16.self, field: field))
        case .int16: return .int16(try scalar(Int16.self, field: field))
        case .uint32: return .uint32(try scalar(UInt32.self, field: field))
        case .int32: return .int32(try scalar(Int32.self, field: field))
        case .uint64: return .uint64(try scalar(UInt64.self, field: field))
        case .int64: return .int64(try scalar(Int64.self, field: field))
        case .float32: return .float32(Float(bitPattern: try scalar(UInt32.self, field: field)))
        case .float64: return .float64(Double(bitPattern: try scalar(UInt64.self, field: field)))
        case .bool:
            let b = try scalar(UInt8.self, field: field)
            guard b <= 1 else { throw GGUFError.invalid(path: path, field: field, reason: "bool value \(b)") }
            return .bool(b == 1)
        case .string: return .string(try string(field: field))
        case .array:
            guard depth < 8 else { throw GGUFError.invalid(path: path, field: field, reason: "arrays nested too deeply") }
            let rawType = try scalar(UInt32.self, field: field)
            guard let element = GGUFValueType(rawValue: rawType) else {
                throw GGUFError.invalid(path: path, field: field, reason: "unknown array element type \(rawType)")
            }
            let n = try count(field: field)
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(of: element, field: field, depth: depth + 1)) }
            return .array(element, items)
        }
    }
}
