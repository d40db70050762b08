import Foundation

/// Where the shared fixtures and the downloaded models are.
enum Fixtures {
    /// The package root (this file is Tests/ModelsTests/Fixtures.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$REASONIR_SHARED`, else `<package root>/../shared`.
    static let shared: URL = {
        if let env = ProcessInfo.processInfo.environment["REASONIR_SHARED"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// `$REASONIR_MODELS`, else `<package root>/models`.
    static let models: URL = {
        if let env = ProcessInfo.processInfo.environment["REASONIR_MODELS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return packageRoot.appendingPathComponent("models")
    }()

    static let tinyBert = shared.appendingPathComponent("fixtures/models/tiny-bert")
    static let miniLM = models.appendingPathComponent("all-MiniLM-L6-v2")

    static let golden = shared.appendingPathComponent("fixtures/golden")

    static var hasTinyBert: Bool { FileManager.default.fileExists(atPath: tinyBert.appendingPathComponent("model.safetensors").path) }
    static var hasMiniLM: Bool { FileManager.default.fileExists(atPath: miniLM.appendingPathComponent("model.safetensors").path) }

    /// A fresh temporary directory, removed by the caller with `cleanUp`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Builds safetensors files byte by byte, so tests can also build broken ones.
struct SafetensorsWriter {
    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var data: [UInt8]
    }

    var entries: [Entry] = []
    var metadata: [String: String]? = ["format": "pt"]
    /// Bytes put before the first tensor's data (to misalign offsets).
    var leadingPadding = 0

    mutating func add(_ name: String, _ values: [Float], shape: [Int]) {
        entries.append(Entry(name: name, dtype: "F32", shape: shape, data: values.flatMap { littleEndianBytes(of: $0.bitPattern) }))
    }

    mutating func addRaw(_ name: String, dtype: String, shape: [Int], data: [UInt8]) {
        entries.append(Entry(name: name, dtype: dtype, shape: shape, data: data))
    }

    /// The header JSON (offsets computed) and the data section.
    func parts(offsetOverride: [String: (Int, Int)] = [:]) -> (header: String, data: [UInt8]) {
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
    func bytes(offsetOverride: [String: (Int, Int)] = [:], headerText: String? = nil, declaredLength: UInt64? = nil) -> [UInt8] {
        var (header, data) = parts(offsetOverride: offsetOverride)
        if let headerText { header = headerText }
        var h = Array(header.utf8)
        while (8 + h.count) % 8 != 0 { h.append(0x20) }
        return littleEndianBytes(of: declaredLength ?? UInt64(h.count)) + h + data
    }

    func write(to url: URL, offsetOverride: [String: (Int, Int)] = [:]) throws {
        try Data(bytes(offsetOverride: offsetOverride)).write(to: url)
    }
}

func littleEndianBytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
