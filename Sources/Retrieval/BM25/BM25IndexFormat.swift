import Foundation

/// The on-disk layout of a BM25 index directory:
/// - `manifest.json`: format and version, analyzer, counts, the data file's size and checksum,
///   and the corpus it was built from;
/// - `bm25.bin`: a header, then 8-byte-aligned little-endian arrays, read in place through mmap.
///
/// The index stores raw term frequencies and document lengths, not weights, so one index
/// serves every BM25 variant and parameter setting.
public enum BM25IndexFormat {
    public static let name = "reasonir.bm25"
    public static let version = 1
    public static let manifestFile = "manifest.json"
    public static let dataFile = "bm25.bin"
    static let magic: [UInt8] = Array("RIRBM25\n".utf8)

    /// The arrays of `bm25.bin`, in file order; the header stores each one's byte offset.
    enum Section: Int, CaseIterable {
        case documentLengths      // UInt32[N]
        case postingOffsets       // UInt64[T+1], into the posting arrays
        case postingDocuments     // UInt32[P], ascending within a term
        case postingFrequencies   // UInt32[P]
        case termOffsets          // UInt64[T+1], into termBytes
        case termBytes            // UTF-8
        case termsSorted          // UInt32[T], term ids in byte order of their text
        case documentIDOffsets    // UInt64[N+1], into documentIDBytes
        case documentIDBytes      // UTF-8
    }

    /// magic, version + padding, 4 counts, one offset per section.
    static let headerSize = 8 + 8 + 4 * 8 + Section.allCases.count * 8
}

/// What `manifest.json` holds.
public struct BM25Manifest: Codable, Sendable, Equatable {
    public var format: String
    public var formatVersion: Int
    public var analyzer: String
    public var documentCount: Int
    public var termCount: Int
    public var postingCount: Int
    public var tokenCount: Int
    public var dataBytes: Int
    /// FNV-1a 64 of `bm25.bin`, hex; `BM25Index.verify()` recomputes it.
    public var dataChecksum: String
    public var source: CorpusFingerprint?
}

/// Identifies the corpus file an index was built from, so a cached index is reused only
/// for the same corpus.
public struct CorpusFingerprint: Codable, Sendable, Hashable {
    public var path: String
    public var bytes: Int
    public var modified: Double

    public init(path: String, bytes: Int, modified: Double) {
        self.path = path
        self.bytes = bytes
        self.modified = modified
    }

    public init(file: URL) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        self.path = file.standardizedFileURL.path
        self.bytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
        self.modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }

    /// A corpus read from several files (a task's Parquet shards): the first file's path with the
    /// shard count and a hash of every file's path, size and modification time, the total size
    /// and the latest time, so that a change to any shard makes a cached index stale. One file
    /// gives what `init(file:)` gives.
    public init(files: [URL]) throws {
        guard let first = files.first else { throw CocoaError(.fileNoSuchFile) }
        guard files.count > 1 else { try self.init(file: first); return }
        let parts = try files.map { try CorpusFingerprint(file: $0) }
        var hash = FNV1a64()
        for part in parts { hash.update("\(part.path)\u{0}\(part.bytes)\u{0}\(part.modified)\u{0}".utf8) }
        self.init(path: parts[0].path + " (+\(parts.count - 1) shards, \(hash.hex))",
                  bytes: parts.reduce(0) { $0 + $1.bytes }, modified: parts.map(\.modified).max() ?? 0)
    }
}

public enum BM25IndexError: Error, CustomStringConvertible, Equatable {
    case notAnIndex(path: String)
    case otherFormatVersion(path: String, found: Int, expected: Int)
    case corrupt(path: String, reason: String)
    case analyzerMismatch(path: String, found: String, expected: String)
    case duplicateDocumentID(String)

    public var description: String {
        switch self {
        case .notAnIndex(let path):
            return "\(path) is not a BM25 index (no readable \(BM25IndexFormat.manifestFile) of format \(BM25IndexFormat.name))"
        case .otherFormatVersion(let path, let found, let expected):
            return "\(path) holds a BM25 index of format version \(found); this reasonir reads version \(expected). Rebuild it with `reasonir index`."
        case .corrupt(let path, let reason):
            return "\(path): damaged BM25 index: \(reason). Rebuild it with `reasonir index`."
        case .analyzerMismatch(let path, let found, let expected):
            return "\(path) was built with analyzer \(found), but \(expected) was asked for"
        case .duplicateDocumentID(let id):
            return "document id \"\(id)\" occurs more than once in the corpus"
        }
    }
}
