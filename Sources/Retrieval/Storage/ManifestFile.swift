import Foundation
import Tensor

/// Reads and writes the `manifest.json` of an index directory. Every index kind (BM25, flat,
/// HNSW, collection) tells the same three failures apart here, then names them in its own error.
public enum ManifestFile {
    public static let name = "manifest.json"

    /// Why a manifest could not be read.
    public enum Failure: Error, Equatable {
        /// No manifest, not JSON, or of another format: not this kind of directory.
        case notThisFormat
        case otherVersion(found: Int)
        /// Of this format and version, but not decodable.
        case unreadable(reason: String)
    }

    /// The manifest in `directory` when its `format` is `format` and its `formatVersion` is `version`.
    public static func read<T: Decodable>(_ type: T.Type, in directory: URL, format: String,
                                          version: Int) -> Result<T, Failure> {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url),
              let probe = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              probe["format"] as? String == format else {
            return .failure(.notThisFormat)
        }
        guard let found = probe["formatVersion"] as? Int else { return .failure(.unreadable(reason: "no formatVersion")) }
        guard found == version else { return .failure(.otherVersion(found: found)) }
        do {
            return .success(try JSONDecoder().decode(T.self, from: data))
        } catch {
            return .failure(.unreadable(reason: "unreadable manifest (\(error))"))
        }
    }

    /// Writes `manifest` as sorted, indented JSON to `directory/manifest.json`.
    public static func write<T: Encodable>(_ manifest: T, in directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(name))
    }
}

/// One data file's size and FNV-1a 64 checksum (hex).
public struct FileChecksum: Codable, Sendable, Equatable {
    public var bytes: Int
    public var checksum: String

    public init(bytes: Int, checksum: String) {
        self.bytes = bytes
        self.checksum = checksum
    }

    /// Maps the file and hashes it.
    public init(file: URL) throws {
        let mapped = try MappedFile(path: file.path)
        var hash = FNV1a64()
        hash.update(mapped.bytes)
        self.init(bytes: mapped.size, checksum: hash.hex)
    }
}
