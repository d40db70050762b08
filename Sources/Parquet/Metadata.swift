/// Parquet's physical types (parquet.thrift `Type`).
public enum PhysicalType: Int, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

/// How often a schema node occurs in its parent (parquet.thrift `FieldRepetitionType`).
public enum Repetition: Int, Sendable {
    case required = 0, optional = 1, repeated = 2
}

/// The compression codecs of parquet.thrift, by their numbers.
public enum CompressionCodec: Int, Sendable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    static func name(_ raw: Int) -> String {
        guard let codec = CompressionCodec(rawValue: raw) else { return "codec \(raw)" }
        switch codec {
        case .uncompressed: return "UNCOMPRESSED"
        case .snappy: return "SNAPPY"
        case .gzip: return "GZIP"
        case .lzo: return "LZO"
        case .brotli: return "BROTLI"
        case .lz4: return "LZ4"
        case .zstd: return "ZSTD"
        case .lz4Raw: return "LZ4_RAW"
        }
    }
}

/// The value encodings of parquet.thrift, by their numbers.
enum Encoding {
    static let plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, rleDictionary = 8

    static func name(_ raw: Int) -> String {
        switch raw {
        case 0: return "PLAIN"
        case 2: return "PLAIN_DICTIONARY"
        case 3: return "RLE"
        case 4: return "BIT_PACKED"
        case 5: return "DELTA_BINARY_PACKED"
        case 6: return "DELTA_LENGTH_BYTE_ARRAY"
        case 7: return "DELTA_BYTE_ARRAY"
        case 8: return "RLE_DICTIONARY"
        case 9: return "BYTE_STREAM_SPLIT"
        default: return "encoding \(raw)"
        }
    }
}

/// One node of the flattened schema tree (parquet.thrift `SchemaElement`).
public struct SchemaElement: Sendable {
    public var name: String
    /// `nil` for a group.
    public var type: PhysicalType?
    public var repetition: Repetition
    public var childCount: Int
    public var typeLength: Int?

    init(_ s: ThriftStruct) throws(DecodeError) {
        name = s.string(4) ?? ""
        if let raw = s.int(1) {
            guard let t = PhysicalType(rawValue: Int(truncatingIfNeeded: raw)) else { throw .malformed("unknown physical type \(raw)", at: s.offset) }
            type = t
        }
        // The root has no repetition; treat it as required.
        let rep = s.int(3) ?? 0
        guard let r = Repetition(rawValue: Int(truncatingIfNeeded: rep)) else { throw .malformed("unknown repetition \(rep)", at: s.offset) }
        repetition = r
        let children = s.int(5) ?? 0
        guard children >= 0, children < 1 << 20 else { throw .malformed("bad child count \(children) for \(name)", at: s.offset) }
        childCount = Int(children)
        typeLength = s.int(2).map { Int(truncatingIfNeeded: $0) }
    }
}

/// Where a column chunk's pages are and how they are stored (parquet.thrift `ColumnMetaData`).
public struct ColumnChunkMetadata: Sendable {
    public var type: PhysicalType
    public var path: [String]
    /// The raw codec number (see `CompressionCodec`).
    public var codec: Int
    public var valueCount: Int
    public var totalCompressedSize: Int
    public var dataPageOffset: Int
    public var dictionaryPageOffset: Int?

    init(_ s: ThriftStruct) throws(DecodeError) {
        let rawType = try s.requiredInt(1, "ColumnMetaData.type")
        guard let t = PhysicalType(rawValue: rawType) else { throw .malformed("unknown physical type \(rawType)", at: s.offset) }
        type = t
        path = (s.list(3) ?? []).compactMap { value in
            if case .binary(let b) = value { return String(decoding: b, as: UTF8.self) }
            return nil
        }
        codec = try s.requiredInt(4, "ColumnMetaData.codec")
        valueCount = try s.requiredInt(5, "ColumnMetaData.num_values")
        totalCompressedSize = try s.requiredInt(7, "ColumnMetaData.total_compressed_size")
        dataPageOffset = try s.requiredInt(9, "ColumnMetaData.data_page_offset")
        dictionaryPageOffset = s.int(11).flatMap { Int(exactly: $0) }
    }
}

/// A horizontal slice of the table: every column's chunk for a run of rows (parquet.thrift `RowGroup`).
public struct RowGroupMetadata: Sendable {
    public var rowCount: Int
    /// One per leaf column, in schema order.
    public var columns: [ColumnChunkMetadata]

    init(_ s: ThriftStruct) throws(DecodeError) {
        rowCount = try s.requiredInt(3, "RowGroup.num_rows")
        var columns: [ColumnChunkMetadata] = []
        for value in s.list(1) ?? [] {
            guard case .structure(let chunk) = value else { throw .malformed("RowGroup.columns holds a non-struct", at: s.offset) }
            if chunk.string(1) != nil { throw DecodeError(kind: .unsupported(feature: "column chunks in another file"), offset: chunk.offset) }
            guard let meta = chunk.structure(3) else {
                throw DecodeError(kind: .unsupported(feature: "column chunk without metadata (encrypted?)"), offset: chunk.offset)
            }
            columns.append(try ColumnChunkMetadata(meta))
        }
        self.columns = columns
    }
}

/// The footer of a Parquet file (parquet.thrift `FileMetaData`).
public struct FileMetadata: Sendable {
    public var version: Int
    public var schema: [SchemaElement]
    public var rowCount: Int
    public var rowGroups: [RowGroupMetadata]
    public var createdBy: String?

    init(_ s: ThriftStruct) throws(DecodeError) {
        version = Int(truncatingIfNeeded: s.int(1) ?? 0)
        var schema: [SchemaElement] = []
        for value in s.list(2) ?? [] {
            guard case .structure(let e) = value else { throw .malformed("FileMetaData.schema holds a non-struct", at: s.offset) }
            schema.append(try SchemaElement(e))
        }
        guard !schema.isEmpty else { throw .malformed("the schema is empty", at: s.offset) }
        self.schema = schema
        rowCount = try s.requiredInt(3, "FileMetaData.num_rows")
        var groups: [RowGroupMetadata] = []
        for value in s.list(4) ?? [] {
            guard case .structure(let g) = value else { throw .malformed("FileMetaData.row_groups holds a non-struct", at: s.offset) }
            groups.append(try RowGroupMetadata(g))
        }
        rowGroups = groups
        createdBy = s.string(6)
    }
}

/// The header in front of every page (parquet.thrift `PageHeader` and its per-kind headers).
struct PageHeader {
    enum Kind: Int { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }

    var kind: Int
    var uncompressedSize: Int
    var compressedSize: Int
    var valueCount = 0
    var encoding = 0
    var definitionLevelEncoding = Encoding.rle
    var repetitionLevelEncoding = Encoding.rle
    // Data page v2 only: level bytes sit uncompressed in front of the values.
    var definitionLevelsLength = 0
    var repetitionLevelsLength = 0
    var isCompressed = true

    static let maximumValueCount = 1 << 26

    init(_ s: ThriftStruct) throws(DecodeError) {
        kind = try s.requiredInt(1, "PageHeader.type")
        uncompressedSize = try s.requiredInt(2, "PageHeader.uncompressed_page_size")
        compressedSize = try s.requiredInt(3, "PageHeader.compressed_page_size")
        guard uncompressedSize >= 0, compressedSize >= 0 else { throw .malformed("negative page size", at: s.offset) }
        // Each kind of page has its own header struct: (field in PageHeader, name, encoding field).
        let layout: (field: Int16, name: String, encoding: Int16)
        switch Kind(rawValue: kind) {
        case .data: layout = (5, "DataPageHeader", 2)
        case .dictionary: layout = (7, "DictionaryPageHeader", 2)
        case .dataV2: layout = (8, "DataPageHeaderV2", 4)
        case .index, nil: return
        }
        guard let h = s.structure(layout.field) else { throw .malformed("page without its \(layout.name)", at: s.offset) }
        valueCount = try h.requiredInt(1, "\(layout.name).num_values")
        encoding = try h.requiredInt(layout.encoding, "\(layout.name).encoding")
        if kind == Kind.data.rawValue {
            definitionLevelEncoding = try h.requiredInt(3, "DataPageHeader.definition_level_encoding")
            repetitionLevelEncoding = try h.requiredInt(4, "DataPageHeader.repetition_level_encoding")
        } else if kind == Kind.dataV2.rawValue {
            definitionLevelsLength = try h.requiredInt(5, "DataPageHeaderV2.definition_levels_byte_length")
            repetitionLevelsLength = try h.requiredInt(6, "DataPageHeaderV2.repetition_levels_byte_length")
            isCompressed = h.bool(7) ?? true
        }
        guard valueCount >= 0, definitionLevelsLength >= 0, repetitionLevelsLength >= 0 else {
            throw .malformed("negative count in a page header", at: s.offset)
        }
        // A run-length encoded page can claim billions of values in a few bytes; writers cut pages
        // at tens of thousands of rows, so a count this large is a damaged header, not data.
        guard valueCount <= Self.maximumValueCount else {
            throw .malformed("a page of \(valueCount) values (at most \(Self.maximumValueCount) are read)", at: s.offset)
        }
    }
}
