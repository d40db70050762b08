import Foundation

/// The on-disk layout of a collection's index directory:
/// - `manifest.json`: format and version, counts, the parts present, the embedding model and its
///   settings, the BM25 analyzer and scoring, and the size and checksum of every part's files;
/// - `documents/`: the ``DocumentStore`` (ids and texts, memory-mapped);
/// - `bm25/`: a ``BM25Index``; `dense/`: a ``FlatDenseIndex``; `hnsw/`: an ``HNSWIndex``.
///
/// Each part keeps its own manifest, so it also opens alone (`reasonir search DIR` reads `DIR/bm25`).
/// The whole directory is written under a temporary name and renamed: the collection's manifest
/// is the commit point of a build or an update.
public enum CollectionFormat {
    public static let name = "reasonir.collection"
    public static let version = 1
}

/// A part of a collection directory; its raw value is its subdirectory.
public enum CollectionPart: String, Codable, Sendable, CaseIterable {
    case documents
    case bm25
    case dense
    case hnsw
}

/// How the BM25 part was analysed, and its default scoring.
public struct CollectionBM25Settings: Codable, Sendable, Equatable {
    public var analyzer: String
    public var variant: BM25Variant
    public var parameters: BM25Parameters

    public init(analyzer: String = BM25Index.defaultAnalyzerName, variant: BM25Variant = .bright,
                parameters: BM25Parameters = BM25Parameters()) {
        self.analyzer = analyzer
        self.variant = variant
        self.parameters = parameters
    }
}

public struct CollectionManifest: Codable, Sendable, Equatable {
    public var format: String
    public var formatVersion: Int
    /// Live documents (in the document store, BM25 and the flat index; HNSW may also hold tombstones).
    public var documentCount: Int
    public var parts: [CollectionPart]
    public var bm25: CollectionBM25Settings?
    /// The model that made the dense and HNSW vectors.
    public var model: EmbeddingModelIdentity?
    /// Where that model was loaded from, so `add` and `search` can load it again.
    public var modelLocation: String?
    public var hnsw: HNSWParameters?
    /// How the dense and HNSW vectors are stored; absent without them, and in manifests written
    /// before Float16 (Float32 then, so those directories open unchanged).
    public var vectorType: VectorType?
    /// The corpus file of the first build.
    public var source: CorpusFingerprint?
    /// Builds and updates so far: 0 after a build, one more per `add`, `upsert`, `delete` or `compact`.
    public var generation: Int
    /// Every file of every part, by its path inside the directory (`bm25/bm25.bin`).
    public var files: [String: FileChecksum]

    public init(documentCount: Int, parts: [CollectionPart], bm25: CollectionBM25Settings?, model: EmbeddingModelIdentity?,
                modelLocation: String?, hnsw: HNSWParameters?, vectorType: VectorType? = nil, source: CorpusFingerprint?,
                generation: Int, files: [String: FileChecksum]) {
        format = CollectionFormat.name
        formatVersion = CollectionFormat.version
        self.documentCount = documentCount
        self.parts = parts
        self.bm25 = bm25
        self.model = model
        self.modelLocation = modelLocation
        self.hnsw = hnsw
        self.vectorType = vectorType
        self.source = source
        self.generation = generation
        self.files = files
    }

    /// Reads the manifest of `directory`, naming what is wrong with a foreign or other-version one.
    public static func read(from directory: URL) throws -> CollectionManifest {
        switch ManifestFile.read(CollectionManifest.self, in: directory, format: CollectionFormat.name, version: CollectionFormat.version) {
        case .success(let manifest): return manifest
        case .failure(.notThisFormat): throw CollectionError.notACollection(path: directory.path)
        case .failure(.otherVersion(let found)):
            throw CollectionError.otherFormatVersion(path: directory.path, found: found, expected: CollectionFormat.version)
        case .failure(.unreadable(let reason)):
            throw CollectionError.corrupt(path: directory.appendingPathComponent(ManifestFile.name).path, reason: reason)
        }
    }

    /// The size and checksum of every file in the parts' subdirectories of `directory`.
    public static func checksums(of directory: URL, parts: [CollectionPart]) throws -> [String: FileChecksum] {
        var files: [String: FileChecksum] = [:]
        let fileManager = FileManager.default
        for part in parts {
            let names = try fileManager.contentsOfDirectory(atPath: directory.appendingPathComponent(part.rawValue).path)
            for name in names.sorted() {
                let relative = part.rawValue + "/" + name
                files[relative] = try FileChecksum(file: directory.appendingPathComponent(relative))
            }
        }
        return files
    }

    /// Checks that every listed file exists with its size (cheap: on every open); with
    /// `checksums`, also rehashes them (reads everything).
    public func verify(directory: URL, checksums: Bool) throws {
        for (relative, expected) in files.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(relative)
            let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue
            guard let size else { throw CollectionError.corrupt(path: url.path, reason: "missing") }
            guard size == expected.bytes else {
                throw CollectionError.corrupt(path: url.path, reason: "\(size) bytes, the manifest says \(expected.bytes)")
            }
            if checksums, try FileChecksum(file: url) != expected {
                throw CollectionError.corrupt(path: url.path, reason: "checksum mismatch")
            }
        }
    }
}

public enum CollectionError: Error, CustomStringConvertible, Equatable {
    case notACollection(path: String)
    case otherFormatVersion(path: String, found: Int, expected: Int)
    case corrupt(path: String, reason: String)
    case modelMismatch(path: String, found: String, expected: String)
    case missingPart(path: String, part: String)
    case noParts
    case hnswNeedsDense
    case duplicateDocumentID(String)
    case unknownDocumentID(String)

    public var description: String {
        switch self {
        case .notACollection(let path):
            return "\(path) is not a collection index directory (no readable \(ManifestFile.name) of format \(CollectionFormat.name)); build one with `reasonir index CORPUS --out DIR`"
        case .otherFormatVersion(let path, let found, let expected):
            return "\(path) is a collection of format version \(found); this reasonir reads version \(expected). Rebuild it with `reasonir index`."
        case .corrupt(let path, let reason):
            return "\(path): damaged collection index: \(reason). Rebuild it with `reasonir index`."
        case .modelMismatch(let path, let found, let expected):
            return "\(path) was built with model \(found), not \(expected): its vectors are not comparable"
        case .missingPart(let path, let part):
            return "\(path) has no \(part) index; build it with `reasonir index CORPUS --out DIR` and the matching flag (--bm25, --dense MODEL, --hnsw)"
        case .noParts:
            return "nothing to index: ask for --bm25, --dense MODEL and/or --hnsw"
        case .hnswNeedsDense:
            return "an HNSW index is built over the dense vectors: --hnsw needs --dense MODEL"
        case .duplicateDocumentID(let id):
            return "document id \"\(id)\" occurs more than once (ids must be unique; `reasonir index add --replace` replaces a stored document)"
        case .unknownDocumentID(let id):
            return "no document \"\(id)\" in the collection"
        }
    }
}
