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

    /// The documents one at a time, in order (as the indexers read a corpus: nothing failing).
    public var records: LazyMapSequence<Range<Int>, Result<Document, Never>> {
        (0..<count).lazy.map { .success(self.document(at: $0)) }
    }

    /// Writes `documents` into `directory` (which must exist); refuses a repeated id. Returns the count.
    @discardableResult
    public static func write(_ documents: some Sequence<Document>, to directory: URL) throws -> Int {
        try write(records: documents.lazy.map { Result<Document, Never>.success($0) }, to: directory)
    }

    /// As above, from documents or errors met reading them (a corpus file): streamed to disk as
    /// they come, so only the ids stay in memory (to refuse a repeated one).
    @discardableResult
    public static func write<Records: Sequence, Failure: Error>(records: Records, to directory: URL) throws -> Int
    where Records.Element == Result<Document, Failure> {
        let writer = try Writer(directory: directory)
        for record in records { try writer.append(try record.get()) }
        return try writer.finish()
    }

    /// Writes a store document by document; refuses a repeated id.
    public final class Writer {
        private let ids: StringTableWriter
        private let texts: StringTableWriter
        private var seen = Set<String>()

        /// `directory` must exist.
        public init(directory: URL) throws {
            ids = try StringTableWriter(url: directory.appendingPathComponent(DocumentStore.idsFile))
            texts = try StringTableWriter(url: directory.appendingPathComponent(DocumentStore.textsFile))
        }

        public func append(_ document: Document) throws {
            guard seen.insert(document.id).inserted else { throw CollectionError.duplicateDocumentID(document.id) }
            ids.append(document.id)
            texts.append(document.text)
        }

        /// Completes both tables; returns the number of documents.
        public func finish() throws -> Int {
            try ids.finish()
            try texts.finish()
            return ids.count
        }
    }
}
