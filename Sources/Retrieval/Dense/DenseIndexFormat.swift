import Foundation

/// The on-disk layout of an exact (flat) dense index directory:
/// - `manifest.json`: format and version, the embedding model's identity, counts, checksum, corpus;
/// - `vectors.f32`: `count × dimension` little-endian Float32, row-major, read in place via mmap;
/// - `ids.bin`: UInt64 offsets[count+1], then the ids' UTF-8 bytes.
///
/// While building, the directory is `<name>.partial` with `progress.json`; vectors and ids are
/// appended batch by batch, so an interrupted build resumes where it stopped.
public enum DenseIndexFormat {
    public static let name = "reasonir.dense-flat"
    public static let version = 1
    public static let manifestFile = "manifest.json"
    public static let vectorsFile = "vectors.f32"
    public static let idsFile = "ids.bin"
    static let progressFile = "progress.json"
    static let idRecordsFile = "ids.records"
}

/// Identifies the model that made the vectors, so a cached index is only reused with the same model.
public struct EmbeddingModelIdentity: Codable, Sendable, Hashable {
    /// A readable name, e.g. `all-MiniLM-L6-v2`.
    public var name: String
    /// A hash of the model's configuration and weights' size, so a changed model is noticed.
    public var fingerprint: String
    public var dimension: Int
    /// Settings that change the vectors (max length, pooling, document instruction).
    public var settings: [String: String]

    public init(name: String, fingerprint: String, dimension: Int, settings: [String: String] = [:]) {
        self.name = name
        self.fingerprint = fingerprint
        self.dimension = dimension
        self.settings = settings
    }
}

public struct DenseManifest: Codable, Sendable, Equatable {
    public var format: String
    public var formatVersion: Int
    public var model: EmbeddingModelIdentity
    public var count: Int
    public var dimension: Int
    public var vectorBytes: Int
    /// FNV-1a 64 of `vectors.f32`, hex.
    public var vectorChecksum: String
    public var source: CorpusFingerprint?
}

public enum DenseIndexError: Error, CustomStringConvertible, Equatable {
    case notAnIndex(path: String)
    case otherFormatVersion(path: String, found: Int, expected: Int)
    case corrupt(path: String, reason: String)
    case modelMismatch(path: String, found: String, expected: String)
    case wrongDimension(expected: Int, found: Int)
    case notFinite(id: String)
    case duplicateDocumentID(String)

    public var description: String {
        switch self {
        case .notAnIndex(let path):
            return "\(path) is not a dense index (no readable \(DenseIndexFormat.manifestFile) of format \(DenseIndexFormat.name))"
        case .otherFormatVersion(let path, let found, let expected):
            return "\(path) holds a dense index of format version \(found); this reasonir reads version \(expected). Rebuild it."
        case .corrupt(let path, let reason):
            return "\(path): damaged dense index: \(reason). Rebuild it."
        case .modelMismatch(let path, let found, let expected):
            return "\(path) was built with model \(found), not \(expected): its vectors are not comparable"
        case .wrongDimension(let expected, let found):
            return "vector of dimension \(found) given to an index of dimension \(expected)"
        case .notFinite(let id):
            return "the vector of document \"\(id)\" has a NaN or infinite value"
        case .duplicateDocumentID(let id):
            return "document id \"\(id)\" occurs more than once"
        }
    }
}
