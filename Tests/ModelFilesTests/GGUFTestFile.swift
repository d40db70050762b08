import Foundation
import ModelFiles

/// Builds small GGUF files for tests: metadata of every type, tensors from raw block bytes.
struct GGUFTestFile {
    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [(name: String, ne: [Int], typeID: UInt32, data: [UInt8])] = []
    /// Alignment of the data section and of each tensor (written as general.alignment when not 32).
    var alignment = 32
    /// Overrides of tensor offsets (relative to the data section), for broken files.
    var offsetOverride: [String: UInt64] = [:]

    mutating func add(_ name: String, ne: [Int], type: GGUFTensorType, data: [UInt8]) {
        tensors.append((name, ne, type.id, data))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        out += le(version)
        out += le(UInt64(tensors.count))
        var entries = metadata
        if alignment != 32 { entries.append(("general.alignment", .uint32(UInt32(alignment)))) }
        out += le(UInt64(entries.count))
        for (key, value) in entries {
            out += string(key)
            out += le(value.type.rawValue)
            out += encode(value)
        }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset = (offset + t.data.count + alignment - 1) / alignment * alignment
        }
        for (i, t) in tensors.enumerated() {
            out += string(t.name)
            out += le(UInt32(t.ne.count))
            for n in t.ne { out += le(UInt64(n)) }
            out += le(t.typeID)
            out += le(offsetOverride[t.name] ?? UInt64(offsets[i]))
        }
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for (i, t) in tensors.enumerated() {
            while out.count < dataStart + offsets[i] { out.append(0) }
            out += t.data
        }
        return out
    }

    func write(to url: URL) throws {
        try Data(bytes()).write(to: url)
    }

    private func encode(_ value: GGUFValue) -> [UInt8] {
        switch value {
        case .uint8(let v): return [v]
        case .int8(let v): return [UInt8(bitPattern: v)]
        case .uint16(let v): return le(v)
        case .int16(let v): return le(v)
        case .uint32(let v): return le(v)
        case .int32(let v): return le(v)
        case .uint64(let v): return le(v)
        case .int64(let v): return le(v)
        case .float32(let v): return le(v.bitPattern)
        case .float64(let v): return le(v.bitPattern)
        case .bool(let v): return [v ? 1 : 0]
        case .string(let s): return string(s)
        case .array(let type, let items): return le(type.rawValue) + le(UInt64(items.count)) + items.flatMap(encode)
        }
    }

    private func string(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// IEEE half bits of a value exactly representable as half (tests use small dyadic numbers).
func halfBits(_ v: Float) -> [UInt8] { le(Float16(v).bitPattern) }
