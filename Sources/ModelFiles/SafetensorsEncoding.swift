import Foundation
import JSON

/// Writes Float32 tensors as a `.safetensors` file (the layout ``SafetensorsFile`` reads): the 8-byte
/// little-endian header length, the JSON header padded with spaces to a multiple of 8, the data in
/// the order given.
public enum SafetensorsEncoding {
    /// One tensor to write: `values` holds `shape`'s element count, row-major.
    public struct Tensor {
        public var name: String
        public var shape: [Int]
        public var values: UnsafeBufferPointer<Float>

        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The file's bytes. Names must be unique; `metadata` goes under `__metadata__`.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = ["format": "pt"]) -> Data {
        let quoted = JSONString.quoted
        var fields: [String] = []
        if !metadata.isEmpty {
            fields.append("\"__metadata__\":{" + metadata.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + quoted($0.value) }
                .joined(separator: ",") + "}")
        }
        var offset = 0
        for t in tensors {
            let bytes = t.values.count * 4
            fields.append(quoted(t.name) + ":{\"dtype\":\"F32\",\"shape\":[" + t.shape.map(String.init).joined(separator: ",")
                          + "],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for t in tensors {
            // Float32 is stored little-endian; every platform Swift runs on here is.
            if let base = t.values.baseAddress { data.append(Data(bytes: base, count: t.values.count * 4)) }
        }
        return data
    }
}
