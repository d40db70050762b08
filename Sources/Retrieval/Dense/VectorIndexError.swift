import Foundation

/// Errors of the dense vector indexes, flat and HNSW alike: bad vectors or ids, and directories
/// that are not (or no longer) a readable index. Paths name the directory or file at fault.
public enum VectorIndexError: Error, CustomStringConvertible, Equatable {
    /// No readable manifest of `format` (`DenseIndexFormat.name` or `HNSWIndexFormat.name`).
    case notAnIndex(path: String, format: String)
    case otherFormatVersion(path: String, found: Int, expected: Int)
    case corrupt(path: String, reason: String)
    case modelMismatch(path: String, found: String, expected: String)
    case wrongDimension(expected: Int, found: Int)
    case notFinite(id: String)
    /// A value a Float16 index cannot hold (|x| > 65504).
    case outOfHalfRange(id: String, value: Float)
    case duplicateDocumentID(String)
    case unknownDocumentID(String)
    case invalidParameter(String)
    case tooManyNodes(Int)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAnIndex(let path, let format):
            return "\(path) is not \(Self.article(format)) (no readable \(ManifestFile.name) of format \(format))"
        case .otherFormatVersion(let path, let found, let expected):
            return "\(path) holds a vector index of format version \(found); this reasonir reads version \(expected). Rebuild it."
        case .corrupt(let path, let reason):
            return "\(path): damaged vector index: \(reason). Rebuild it."
        case .modelMismatch(let path, let found, let expected):
            return "\(path) was built with model \(found), not \(expected): its vectors are not comparable"
        case .wrongDimension(let expected, let found):
            return "vectors of dimension \(expected) expected, got \(found) values per vector (or in all)"
        case .notFinite(let id):
            return "the vector of \"\(id)\" has a NaN or infinite value"
        case .outOfHalfRange(let id, let value):
            return "the vector of \"\(id)\" has the value \(value), beyond ±65504, the Float16 range: store it with --vector-type f32"
        case .duplicateDocumentID(let id):
            return "document id \"\(id)\" occurs more than once"
        case .unknownDocumentID(let id):
            return "no document \"\(id)\" in the index"
        case .invalidParameter(let message):
            return "invalid HNSW parameter: \(message)"
        case .tooManyNodes(let count):
            return "\(count) nodes do not fit an HNSW index (at most \(Int(UInt32.max) - 1))"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    private static func article(_ format: String) -> String {
        switch format {
        case DenseIndexFormat.name: return "a dense index"
        case HNSWIndexFormat.name: return "an HNSW index"
        default: return "an index of format \(format)"
        }
    }

    /// Reads the manifest of a vector index directory, naming a foreign, other-version or
    /// unreadable one.
    static func readManifest<T: Decodable>(_ type: T.Type, in directory: URL, format: String, version: Int) throws -> T {
        switch ManifestFile.read(type, in: directory, format: format, version: version) {
        case .success(let read): return read
        case .failure(.notThisFormat): throw VectorIndexError.notAnIndex(path: directory.path, format: format)
        case .failure(.otherVersion(let found)):
            throw VectorIndexError.otherFormatVersion(path: directory.path, found: found, expected: version)
        case .failure(.unreadable(let reason)):
            throw VectorIndexError.corrupt(path: directory.appendingPathComponent(ManifestFile.name).path, reason: reason)
        }
    }
}
