import CKernels
import Foundation
import Tensor

/// The element type of a stored tensor, as safetensors names it.
public struct SafetensorsDType: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }

    public static let f64 = SafetensorsDType("F64")
    public static let f32 = SafetensorsDType("F32")
    public static let f16 = SafetensorsDType("F16")
    public static let bf16 = SafetensorsDType("BF16")

    /// Bytes per element, for the types the format defines; `nil` for names it does not know.
    public var elementSize: Int? {
        switch name {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": return 1
        default: return nil
        }
    }

    public var description: String { name }
}

/// One tensor's entry in a safetensors header.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Absolute byte range in the file.
    public let byteRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`, offsets relative
/// to the end of the header), then the data.
///
/// The header is validated when the file is opened (length within the file, valid JSON, every
/// tensor's offsets inside the data section and matching its shape and dtype). F32 tensors are
/// returned without copying (views into the mapping); F16, BF16 and F64 tensors are converted to
/// Float32 once, on first request, and kept.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    public let metadata: [String: String]
    public let tensors: [String: SafetensorsTensorInfo]
    private let file: MappedFile
    private let cacheLock = NSLock()
    private var converted: [String: FloatTensor] = [:]

    public init(path: String) throws {
        self.path = path
        do {
            file = try MappedFile(path: path)
        } catch .missing(let path) {
            throw ModelFileError.missingFile(path: path, what: "file")
        } catch .unreadable(let path, let reason) {
            throw ModelFileError.unreadable(path: path, reason: reason)
        }
        (metadata, tensors) = try SafetensorsFile.parseHeader(file)
    }

    public convenience init(url: URL) throws { try self.init(path: url.path) }

    /// The tensor names, sorted.
    public var tensorNames: [String] { tensors.keys.sorted() }

    public func contains(_ name: String) -> Bool { tensors[name] != nil }

    /// The tensor as Float32. Throws ``ModelFileError/missingTensor(path:name:)`` when absent and
    /// ``ModelFileError/unsupportedDType(path:name:dtype:)`` for integer and other non-float types.
    public func floatTensor(_ name: String) throws -> FloatTensor {
        guard let info = tensors[name] else { throw ModelFileError.missingTensor(path: path, name: name) }
        let bytes = file.bytes(info.byteRange)
        if info.dtype == .f32, let start = bytes.baseAddress,
           Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 || info.elementCount == 0 {
            let pointer = info.elementCount == 0
                ? UnsafePointer<Float>(bitPattern: MemoryLayout<Float>.alignment)!
                : start.assumingMemoryBound(to: Float.self)
            return FloatTensor(shape: info.shape, pointer: pointer, owner: file)
        }
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = converted[name] { return cached }
        let count = info.elementCount
        let out = Matrix(rows: 1, columns: count)
        if count > 0, let src = bytes.baseAddress {
            switch info.dtype {
            case .f32:  // unaligned in the file: copy
                UnsafeMutableRawPointer(out.storage).copyMemory(from: src, byteCount: count * 4)
            case .f16, .bf16:
                // The mapping may be 1-byte aligned at this offset; go through an aligned copy when needed.
                let convert = { (halves: UnsafePointer<UInt16>) in
                    if info.dtype == .f16 { rk_f16_to_f32(halves, out.storage, count) } else { rk_bf16_to_f32(halves, out.storage, count) }
                }
                if Int(bitPattern: src) % 2 == 0 {
                    convert(src.assumingMemoryBound(to: UInt16.self))
                } else {
                    let tmp = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
                    defer { tmp.deallocate() }
                    UnsafeMutableRawPointer(tmp).copyMemory(from: src, byteCount: count * 2)
                    convert(tmp)
                }
            case .f64:
                for i in 0..<count {
                    out.storage[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Double.self))
                }
            default:
                throw ModelFileError.unsupportedDType(path: path, name: name, dtype: info.dtype.name)
            }
        } else if !(info.dtype == .f32 || info.dtype == .f16 || info.dtype == .bf16 || info.dtype == .f64) {
            throw ModelFileError.unsupportedDType(path: path, name: name, dtype: info.dtype.name)
        }
        let tensor = FloatTensor(shape: info.shape, matrix: out)
        converted[name] = tensor
        return tensor
    }

    /// The stored bytes of a tensor, unconverted: they stay in the mapping, which `owner` keeps alive
    /// (for BF16/F16 weights that are converted tile by tile as they are used).
    public func rawTensor(_ name: String) throws -> (info: SafetensorsTensorInfo, bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        guard let info = tensors[name] else { throw ModelFileError.missingTensor(path: path, name: name) }
        return (info, file.bytes(info.byteRange), file)
    }

    /// The tensor as Float32, checked against `shape`.
    public func floatTensor(_ name: String, shape: [Int]) throws -> FloatTensor {
        guard let info = tensors[name] else { throw ModelFileError.missingTensor(path: path, name: name) }
        guard info.shape == shape else {
            throw ModelFileError.wrongShape(path: path, name: name, expected: shape, actual: info.shape)
        }
        return try floatTensor(name)
    }

    // MARK: header

    static func parseHeader(_ file: MappedFile) throws -> ([String: String], [String: SafetensorsTensorInfo]) {
        let path = file.path
        func corrupt(_ reason: String) -> ModelFileError { .corruptSafetensors(path: path, reason: reason) }
        guard file.size >= 8, let base = file.base else {
            throw corrupt("file is \(file.size) bytes, too short for the 8-byte header length")
        }
        let rawLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard rawLength <= UInt64(file.size - 8) else {
            throw corrupt("header length \(rawLength) runs past the end of the file (\(file.size) bytes)")
        }
        let headerLength = Int(rawLength)
        let dataStart = 8 + headerLength
        let dataSize = file.size - dataStart
        let headerBytes = Data(file.bytes(8..<dataStart))
        let decoder = JSONDecoder()
        let entries: [String: HeaderEntry]
        do {
            entries = try decoder.decode([String: HeaderEntry].self, from: headerBytes)
        } catch {
            throw corrupt("header (\(headerLength) bytes) is not a valid JSON object: \(describe(error))")
        }
        var metadata: [String: String] = [:]
        if entries["__metadata__"] != nil {
            if let m = try? decoder.decode(MetadataOnly.self, from: headerBytes).__metadata__ { metadata = m }
        }

        var tensors: [String: SafetensorsTensorInfo] = [:]
        for (name, entry) in entries where name != "__metadata__" {
            let (dtypeName, shape, offsets): (String, [Int], [Int])
            switch entry {
            case let .invalid(reason): throw corrupt("tensor \"\(name)\": \(reason)")
            case let .tensor(d, s, o): (dtypeName, shape, offsets) = (d, s, o)
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw corrupt("tensor \"\(name)\": negative dimension in shape \(shape)") }
            guard offsets.count == 2 else { throw corrupt("tensor \"\(name)\": data_offsets is not a pair of integers") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw corrupt("tensor \"\(name)\": data_offsets [\(begin), \(end)] lie outside the data section (\(dataSize) bytes)")
            }
            let dtype = SafetensorsDType(dtypeName)
            if let size = dtype.elementSize {
                var bytes = size, overflow = false
                for d in shape {
                    let (p, o) = bytes.multipliedReportingOverflow(by: d)
                    bytes = p
                    overflow = overflow || o
                }
                guard !overflow, bytes == end - begin else {
                    throw corrupt("tensor \"\(name)\": \(end - begin) bytes of data for shape \(shape) of \(dtypeName) (expected \(overflow ? "more than Int.max" : String(bytes)))")
                }
            }
            tensors[name] = SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape,
                                                  byteRange: (dataStart + begin)..<(dataStart + end))
        }
        return (metadata, tensors)
    }
}

private struct MetadataOnly: Decodable {
    let __metadata__: [String: String]?
}

/// A header entry: a tensor description, or why it is not one.
private enum HeaderEntry: Decodable {
    case tensor(dtype: String, shape: [Int], offsets: [Int])
    case invalid(String)

    private enum Keys: String, CodingKey { case dtype, shape, data_offsets }

    init(from decoder: Decoder) throws {
        do {
            let c = try decoder.container(keyedBy: Keys.self)
            self = .tensor(dtype: try c.decode(String.self, forKey: .dtype),
                           shape: try c.decode([Int].self, forKey: .shape),
                           offsets: try c.decode([Int].self, forKey: .data_offsets))
        } catch {
            self = .invalid(describe(error))
        }
    }
}

/// A short reason for a decoding failure.
func describe(_ error: Error) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ c: DecodingError.Context) -> String {
        let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return p.isEmpty ? "top level" : p
    }
    switch e {
    case let .keyNotFound(key, _): return "no \"\(key.stringValue)\""
    case let .typeMismatch(type, c): return "\(path(c)) is not \(type == String.self ? "a string" : type == [Int].self ? "a list of integers" : "of type \(type)")"
    case let .valueNotFound(_, c): return "\(path(c)) is null"
    case let .dataCorrupted(c):
        let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return [c.debugDescription, underlying].compactMap { $0 }.joined(separator: ": ")
    @unknown default: return "\(e)"
    }
}

/// The weights of a model directory: `model.safetensors`, or the shards listed in
/// `model.safetensors.index.json` (`{"weight_map": {"tensor name": "shard file name"}}`).
public final class SafetensorsWeights: @unchecked Sendable {
    public let directory: URL
    public let files: [SafetensorsFile]
    private let location: [String: SafetensorsFile]
    /// Where a missing tensor is reported (the single file, or the index of a sharded model).
    public let describedPath: String

    public static let singleFileName = "model.safetensors"
    public static let indexFileName = "model.safetensors.index.json"

    public init(directory: URL) throws {
        self.directory = directory
        let single = directory.appendingPathComponent(Self.singleFileName)
        let index = directory.appendingPathComponent(Self.indexFileName)
        let fm = FileManager.default
        if fm.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(path: single.path)
            files = [file]
            var loc: [String: SafetensorsFile] = [:]
            for name in file.tensors.keys { loc[name] = file }
            location = loc
            describedPath = single.path
        } else if fm.fileExists(atPath: index.path) {
            let map = try Self.readWeightMap(index)
            var opened: [String: SafetensorsFile] = [:]
            var loc: [String: SafetensorsFile] = [:]
            for shardName in Set(map.values).sorted() {
                let shardURL = directory.appendingPathComponent(shardName)
                guard fm.fileExists(atPath: shardURL.path) else {
                    throw ModelFileError.missingFile(path: shardURL.path, what: "safetensors shard listed in \(index.path)")
                }
                opened[shardName] = try SafetensorsFile(path: shardURL.path)
            }
            for (name, shardName) in map {
                let shard = opened[shardName]!
                guard shard.contains(name) else {
                    throw ModelFileError.missingTensor(path: shard.path, name: name)
                }
                loc[name] = shard
            }
            // Tensors present in a shard but absent from the map are still reachable.
            for shard in opened.values {
                for name in shard.tensors.keys where loc[name] == nil { loc[name] = shard }
            }
            files = opened.keys.sorted().map { opened[$0]! }
            location = loc
            describedPath = index.path
        } else {
            throw ModelFileError.missingFile(path: single.path, what: "model weights (no \(Self.singleFileName) or \(Self.indexFileName))")
        }
    }

    private static func readWeightMap(_ url: URL) throws -> [String: String] {
        let object = try readJSONObject(url, what: "safetensors index")
        guard let map = object["weight_map"] as? [String: Any] else {
            throw ModelFileError.invalidJSON(path: url.path, reason: "no \"weight_map\" object")
        }
        var out: [String: String] = [:]
        for (name, value) in map {
            guard let file = value as? String, !file.isEmpty, !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                throw ModelFileError.invalidJSON(path: url.path, reason: "weight_map entry \"\(name)\" is not a file name")
            }
            out[name] = file
        }
        return out
    }

    public var tensorNames: [String] { location.keys.sorted() }
    public func contains(_ name: String) -> Bool { location[name] != nil }

    /// The file that holds `name`, if any.
    public func file(containing name: String) -> SafetensorsFile? { location[name] }

    public func floatTensor(_ name: String) throws -> FloatTensor {
        guard let file = location[name] else { throw ModelFileError.missingTensor(path: describedPath, name: name) }
        return try file.floatTensor(name)
    }

    public func floatTensor(_ name: String, shape: [Int]) throws -> FloatTensor {
        guard let file = location[name] else { throw ModelFileError.missingTensor(path: describedPath, name: name) }
        return try file.floatTensor(name, shape: shape)
    }

    public func rawTensor(_ name: String) throws -> (info: SafetensorsTensorInfo, bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        guard let file = location[name] else { throw ModelFileError.missingTensor(path: describedPath, name: name) }
        return try file.rawTensor(name)
    }
}

/// Reads a JSON file that must hold an object; missing file and parse errors become ``ModelFileError``.
func readJSONObject(_ url: URL, what: String) throws -> [String: Any] {
    let any = try readJSON(url, what: what)
    guard let object = any as? [String: Any] else {
        throw ModelFileError.invalidJSON(path: url.path, reason: "top level is not an object")
    }
    return object
}

func readJSON(_ url: URL, what: String) throws -> Any {
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw ModelFileError.missingFile(path: url.path, what: what)
    }
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw ModelFileError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    do {
        return try JSONSerialization.jsonObject(with: data)
    } catch {
        throw ModelFileError.invalidJSON(path: url.path, reason: error.localizedDescription)
    }
}
