import Foundation

/// The on-disk layout of an exact (flat) dense index directory:
/// - `manifest.json`: format and version, the embedding model's identity, counts, checksum, corpus;
/// - `vectors.f32` or `vectors.f16`: `count × dimension` little-endian Float32 or IEEE Float16
///   (the manifest's `vectorType`), row-major, read in place via mmap;
/// - `ids.bin`: UInt64 offsets[count+1], then the ids' UTF-8 bytes.
///
/// While building, the directory is `<name>.partial` with `progress.json`; vectors and ids are
/// appended batch by batch, so an interrupted build resumes where it stopped.
public enum DenseIndexFormat {
    public static let name = "reasonir.dense-flat"
    public static let version = 1
    public static let manifestFile = "manifest.json"
    /// The vectors' file of a Float32 index (``VectorType/vectorsFile`` names both).
    public static let vectorsFile = VectorType.f32.vectorsFile
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
    /// FNV-1a 64 of the vectors' file, hex.
    public var vectorChecksum: String
    public var source: CorpusFingerprint?
    /// How the vectors are stored; absent in manifests written before Float16 (Float32 then), so
    /// those directories open unchanged and the format version stays 1.
    public var vectorType: VectorType?

    /// The stored vector type (Float32 when the manifest does not say).
    public var storedType: VectorType { vectorType ?? .f32 }
}
