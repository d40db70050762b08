import Foundation

/// How an HNSW index compares vectors. Scores are "higher is better" either way.
public enum HNSWMetric: String, Codable, Sendable, CaseIterable {
    /// Inner product; the cosine for L2-normalised vectors. Score: the inner product.
    case innerProduct
    /// Euclidean distance. Score: minus the squared distance.
    case l2
}

/// The parameters of an HNSW graph (Malkov & Yashunin, 2016), named as in hnswlib and FAISS.
public struct HNSWParameters: Codable, Sendable, Hashable {
    /// Links per node on the upper layers; layer 0 keeps up to `2·m`.
    public var m: Int
    /// The beam width while inserting: larger builds slower and finds better neighbours.
    public var efConstruction: Int
    /// The default beam width of a search (each search may set its own); at least `k` is used.
    public var efSearch: Int
    public var metric: HNSWMetric
    /// Seeds the level of each node: a node's level depends only on the seed and its position,
    /// so the levels, and with one thread the whole graph, are the same on every build.
    public var seed: UInt64

    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64,
                metric: HNSWMetric = .innerProduct, seed: UInt64 = 100) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.metric = metric
        self.seed = seed
    }

    /// Links kept per node on layer 0.
    public var maxLinks0: Int { 2 * m }

    func validate() throws {
        guard (2...255).contains(m) else { throw VectorIndexError.invalidParameter("m must be in 2...255, not \(m)") }
        guard efConstruction >= 1 else { throw VectorIndexError.invalidParameter("efConstruction must be at least 1, not \(efConstruction)") }
        guard efSearch >= 1 else { throw VectorIndexError.invalidParameter("efSearch must be at least 1, not \(efSearch)") }
    }
}

/// The on-disk layout of an HNSW index directory. Every array is little-endian, starts at offset 0
/// of its own file and is read in place through mmap:
/// - `manifest.json`: format name and version, parameters, counts, entry point, files' sizes and checksums;
/// - `vectors.f32` or `vectors.f16`: `count × dimension` Float32 or Float16 (the manifest's
///   `vectorType`), row-major (the same layout as a flat index);
/// - `links0.u32`: layer 0, `count` blocks of `1 + 2m` UInt32: the number of links, then the links;
/// - `nodes.u32`: per node two UInt32: its top layer, and where its upper-layer blocks start in `links-upper.u32`;
/// - `links-upper.u32`: per node of top layer L ≥ 1, L blocks of `1 + m` UInt32 (layers 1...L);
/// - `deleted.u8`: one byte per node, 1 for a deleted (tombstoned) node;
/// - `ids.bin`: UInt64 offsets[count+1], then the ids' UTF-8 bytes (the flat index's layout).
public enum HNSWIndexFormat {
    public static let name = "reasonir.dense-hnsw"
    public static let version = 1
    public static let manifestFile = "manifest.json"
    /// The vectors' file of a Float32 index (``VectorType/vectorsFile`` names both).
    public static let vectorsFile = VectorType.f32.vectorsFile
    public static let links0File = "links0.u32"
    public static let nodesFile = "nodes.u32"
    public static let upperLinksFile = "links-upper.u32"
    public static let deletedFile = "deleted.u8"
    public static let idsFile = "ids.bin"
    static func dataFiles(_ vectorType: VectorType) -> [String] {
        [vectorType.vectorsFile, links0File, nodesFile, upperLinksFile, deletedFile, idsFile]
    }
    /// Node levels are capped here; with m ≥ 2 a level above it has probability below 2⁻⁶³.
    static let maxLevelCap = 63
}

/// One data file's size and checksum.
public typealias HNSWFileInfo = FileChecksum

public struct HNSWManifest: Codable, Sendable, Equatable {
    public var format: String
    public var formatVersion: Int
    /// The model that made the vectors, when known (indexes built from a flat index carry its model).
    public var model: EmbeddingModelIdentity?
    /// The corpus file the vectors came from, when known.
    public var source: CorpusFingerprint?
    public var dimension: Int
    /// Nodes in the graph, deleted ones included.
    public var count: Int
    public var deletedCount: Int
    public var parameters: HNSWParameters
    /// -1 for an empty index.
    public var entryPoint: Int
    public var maxLevel: Int
    /// UInt32 values in `links-upper.u32`.
    public var upperLinkValues: Int
    public var files: [String: HNSWFileInfo]
    /// How the vectors are stored; absent before Float16 (Float32 then), so those directories
    /// open unchanged and the format version stays 1.
    public var vectorType: VectorType?

    /// The stored vector type (Float32 when the manifest does not say).
    public var storedType: VectorType { vectorType ?? .f32 }
}
