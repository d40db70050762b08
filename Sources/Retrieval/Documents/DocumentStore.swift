import Foundation
import Tensor

/// The documents of a collection, so search can show their text: `ids.bin` and `texts.bin`, two
/// memory-mapped ``StringTable``s in the same order. The count comes from the collection's
/// manifest; the id → position map is built on first lookup.
public final class DocumentStore: @unchecked Sendable {
    // @unchecked: the tables are read-only; `positions` is built once under `lock`.
    public static let idsFile = "ids.bin"
    public static let textsFile = "texts.bin"

    public let ids: StringTable
    public let texts: StringTable
    private let lock = NSLock()
    private var positions: [String: Int]?

    public var count: Int { ids.count }

    public init(directory: URL, count: Int) throws {
        ids = try StringTable(url: directory.appendingPathComponent(Self.idsFile), count: count)
        texts = try StringTable(url: directory.appendingPathComponent(Self.textsFile), count: count)
    }

    public func document(at index: Int) -> Document { Document(id: ids[index], text: texts[index]) }

    /// The document with this id, if stored.
    public func document(id: String) -> Document? {
        lock.lock()
        defer { lock.unlock() }
        if positions == nil {
            var map: [String: Int] = [:]
            map.reserveCapacity(count)
            for i in 0..<count { map[ids[i]] = i }
            positions = map
        }
        return positions?[id].map(document(at:))
    }

    /// Every document, in order.
    public var documents: [Document] { (0..<count).map(document(at:)) }

    /// Writes `documents` into `directory` (which must exist); refuses a repeated id.
    public static func write(_ documents: [Document], to directory: URL) throws {
        var seen = Set<String>(minimumCapacity: documents.count)
        for document in documents where !seen.insert(document.id).inserted {
            throw CollectionError.duplicateDocumentID(document.id)
        }
        try StringTable.write(documents.map(\.id), to: directory.appendingPathComponent(idsFile))
        try StringTable.write(documents.map(\.text), to: directory.appendingPathComponent(textsFile))
    }
}
