import Tensor

/// A Parquet file, memory-mapped: the footer is decoded on opening, column chunks on demand,
/// one row group at a time, so a file larger than memory streams through.
///
/// ```swift
/// let file = try ParquetFile(path: "documents/biology-00000-of-00001.parquet")
/// for group in 0..<file.rowGroupCount {
///     let ids = try file.strings("id", rowGroup: group)
///     let texts = try file.strings("content", rowGroup: group)
/// }
/// ```
///
/// `@unchecked Sendable`: the mapping is read-only and everything else is immutable.
public final class ParquetFile: @unchecked Sendable {
    public let path: String
    public let metadata: FileMetadata
    public let schema: ParquetSchema
    private let mapped: MappedFile

    static let magic: [UInt8] = Array("PAR1".utf8)

    public init(path: String) throws(ParquetError) {
        self.path = path
        do {
            mapped = try MappedFile(path: path)
        } catch {
            throw ParquetError(path: path, kind: .cannotOpen(reason: error.description))
        }
        let bytes = mapped.bytes
        // Header magic, footer, 4-byte footer length, trailing magic: at least 12 bytes.
        guard bytes.count >= 12 else {
            throw ParquetError(path: path, offset: 0, kind: .truncated(what: "a file of \(bytes.count) bytes"))
        }
        for (offset, range) in [(0, 0..<4), (bytes.count - 4, (bytes.count - 4)..<bytes.count)] {
            let found = Array(bytes[range])
            guard found == Self.magic else {
                throw ParquetError(path: path, offset: offset, kind: .badMagic(found: Self.describe(found)))
            }
        }
        let footerLength = Int(bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self).littleEndian)
        let footerStart = bytes.count - 8 - footerLength
        guard footerStart >= 4 else {
            throw ParquetError(path: path, offset: bytes.count - 8,
                               kind: .truncated(what: "a footer of \(footerLength) bytes in a file of \(bytes.count)"))
        }
        do throws(DecodeError) {
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: bytes[footerStart..<(bytes.count - 8)]))
            metadata = try FileMetadata(reader.readStruct())
            schema = try ParquetSchema(metadata.schema)
            for group in metadata.rowGroups where group.columns.count != schema.leaves.count {
                throw DecodeError.malformed("a row group has \(group.columns.count) column chunks for \(schema.leaves.count) columns", at: 0)
            }
        } catch {
            throw ParquetError(path: path, offset: footerStart + error.offset, kind: error.kind)
        }
    }

    public var rowCount: Int { metadata.rowCount }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The top-level field names, in schema order.
    public var columnNames: [String] {
        var seen: [String] = []
        for leaf in schema.leaves where seen.last != leaf.topLevelName { seen.append(leaf.topLevelName) }
        return seen
    }

    /// Whether `name` names a leaf column (see `ParquetSchema.leafIndex`).
    public func hasColumn(_ name: String) -> Bool { schema.leafIndex(name) != nil }

    /// Decodes the chunk of column `name` in row group `rowGroup`.
    public func columnChunk(_ name: String, rowGroup: Int) throws(ParquetError) -> ColumnChunk {
        guard let leaf = schema.leafIndex(name) else {
            throw ParquetError(path: path, column: name, kind: .missingColumn(available: schema.leaves.map(\.dottedPath)))
        }
        guard metadata.rowGroups.indices.contains(rowGroup) else {
            throw ParquetError(path: path, column: name, kind: .malformed(reason: "no row group \(rowGroup) (the file has \(rowGroupCount))"))
        }
        let column = schema.leaves[leaf]
        let chunkMetadata = metadata.rowGroups[rowGroup].columns[leaf]
        do {
            return try ColumnChunkReader(file: mapped.bytes, column: column, metadata: chunkMetadata).read()
        } catch {
            throw ParquetError(path: path, column: column.dottedPath, offset: error.offset, kind: error.kind)
        }
    }

    /// A string column (`BYTE_ARRAY`), one entry per row, `nil` for null.
    public func strings(_ name: String, rowGroup: Int) throws(ParquetError) -> [String?] {
        let chunk = try columnChunk(name, rowGroup: rowGroup)
        do {
            return try RecordAssembly.strings(chunk)
        } catch {
            throw ParquetError(path: path, column: chunk.column.dottedPath, kind: error.kind)
        }
    }

    /// A list-of-strings column (`list<string>`), one entry per row: `nil` for a null list, and
    /// `nil` elements for null strings.
    public func stringLists(_ name: String, rowGroup: Int) throws(ParquetError) -> [[String?]?] {
        let chunk = try columnChunk(name, rowGroup: rowGroup)
        do {
            return try RecordAssembly.stringLists(chunk)
        } catch {
            throw ParquetError(path: path, column: chunk.column.dottedPath, kind: error.kind)
        }
    }

    private static func describe(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) { return "\"\(String(decoding: bytes, as: UTF8.self))\"" }
        return bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }
}
