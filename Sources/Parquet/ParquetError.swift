/// Everything that can go wrong reading a Parquet file.
///
/// The message names the file, the column (where one is being read) and the byte offset in
/// the file where the problem was found, so a user can tell a damaged download from a file
/// that uses a feature this reader does not support.
public struct ParquetError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The file does not exist or cannot be mapped.
        case cannotOpen(reason: String)
        /// The file ends before a structure it promises (footer, page, value) is complete.
        case truncated(what: String)
        /// The first or last four bytes are not `PAR1` (an encrypted `PARE` file included).
        case badMagic(found: String)
        /// The bytes are there but do not describe a valid Parquet structure.
        case malformed(reason: String)
        /// A page uses an encoding this reader does not decode (e.g. `DELTA_BYTE_ARRAY`).
        case unsupportedEncoding(name: String)
        /// A column chunk uses a compression codec this reader does not have (e.g. `BROTLI`).
        case unsupportedCompression(name: String)
        /// A feature outside what this reader handles (a physical type, a schema shape).
        case unsupported(feature: String)
        /// No column of the schema has the requested name.
        case missingColumn(available: [String])
    }

    public var path: String
    /// The column's dotted path in the schema, where a column was being read.
    public var column: String?
    /// The byte offset in the file where the problem was found.
    public var offset: Int?
    public var kind: Kind

    public init(path: String, column: String? = nil, offset: Int? = nil, kind: Kind) {
        self.path = path
        self.column = column
        self.offset = offset
        self.kind = kind
    }

    public var description: String {
        var where_ = path
        if let column { where_ += ": column \"\(column)\"" }
        if let offset { where_ += ": at byte \(offset)" }
        switch kind {
        case .cannotOpen(let reason): return "\(where_): cannot open: \(reason)"
        case .truncated(let what): return "\(where_): truncated Parquet file: \(what) runs past the end"
        case .badMagic(let found): return "\(where_): not a Parquet file: expected magic \"PAR1\", found \(found)"
        case .malformed(let reason): return "\(where_): malformed Parquet file: \(reason)"
        case .unsupportedEncoding(let name): return "\(where_): unsupported Parquet encoding \(name)"
        case .unsupportedCompression(let name): return "\(where_): unsupported Parquet compression \(name)"
        case .unsupported(let feature): return "\(where_): unsupported Parquet feature: \(feature)"
        case .missingColumn(let available):
            return "\(where_): no such column (the file has: \(available.joined(separator: ", ")))"
        }
    }
}

/// A problem found below the file level (a page, a Thrift structure, an encoded run), before the
/// file, column and absolute offset are known; `ParquetFile` turns it into a `ParquetError`.
struct DecodeError: Error {
    var kind: ParquetError.Kind
    /// Offset relative to the start of the buffer being decoded.
    var offset: Int

    static func truncated(_ what: String, at offset: Int) -> DecodeError {
        DecodeError(kind: .truncated(what: what), offset: offset)
    }

    static func malformed(_ reason: String, at offset: Int) -> DecodeError {
        DecodeError(kind: .malformed(reason: reason), offset: offset)
    }
}
