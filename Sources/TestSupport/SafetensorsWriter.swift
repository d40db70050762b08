import Foundation

/// Builds safetensors files byte by byte, so tests can also build broken ones.
public struct SafetensorsWriter {
    public struct Entry {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        public var data: [UInt8]
    }

    public var entries: [Entry] = []
    public var metadata: [String: String]? = ["format": "pt"]
    /// Bytes put before the first tensor's data (to misalign offsets).
    public var leadingPadding = 0

    public init() {}

    public mutating func add(_ name: String, _ values: [Float], shape: [Int]) {
        entries.append(Entry(name: name, dtype: "F32", shape: shape, data: values.flatMap { littleEndianBytes(of: $0.bitPattern) }))
    }

    public mutating func addRaw(_ name: String, dtype: String, shape: [Int], data: [UInt8]) {
        entries.append(Entry(name: name, dtype: dtype, shape: shape, data: data))
    }

    /// The header JSON (offsets computed) and the data section.
    public func parts(offsetOverride: [String: (Int, Int)] = [:]) -> (header: String, data: [UInt8]) {
        var data = [UInt8](repeating: 0, count: leadingPadding)
        var fields: [String] = []
        if let metadata {
            let m = metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
            fields.append("\"__metadata__\":{\(m)}")
        }
        for e in entries {
            let begin = data.count
            data += e.data
            let (b, en) = offsetOverride[e.name] ?? (begin, data.count)
            fields.append("\"\(e.name)\":{\"dtype\":\"\(e.dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(b),\(en)]}")
        }
        return ("{" + fields.joined(separator: ",") + "}", data)
    }

    /// The file: length, header padded with spaces to a multiple of 8, data.
    public func bytes(offsetOverride: [String: (Int, Int)] = [:], headerText: String? = nil, declaredLength: UInt64? = nil) -> [UInt8] {
        var (header, data) = parts(offsetOverride: offsetOverride)
        if let headerText { header = headerText }
        var h = Array(header.utf8)
        while (8 + h.count) % 8 != 0 { h.append(0x20) }
        return littleEndianBytes(of: declaredLength ?? UInt64(h.count)) + h + data
    }

    public func write(to url: URL, offsetOverride: [String: (Int, Int)] = [:]) throws {
        try Data(bytes(offsetOverride: offsetOverride)).write(to: url)
    }
}

public func littleEndianBytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
