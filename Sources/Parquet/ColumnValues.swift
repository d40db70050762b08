/// Variable-length byte strings stored end to end: value `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
/// One buffer for a whole column chunk, rather than an array per value.
public struct ByteArrays: Sendable, Equatable {
    public var bytes: [UInt8] = []
    public var offsets: [Int] = [0]

    public init() {}

    public var count: Int { offsets.count - 1 }

    public subscript(i: Int) -> ArraySlice<UInt8> { bytes[offsets[i]..<offsets[i + 1]] }

    /// Value `i` as text (invalid UTF-8 repaired with U+FFFD, as Swift's decoding does).
    public func string(_ i: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]]), as: UTF8.self) }
    }

    mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    mutating func append(_ other: ByteArrays, index i: Int) {
        bytes.append(contentsOf: other[i])
        offsets.append(bytes.count)
    }
}

/// The non-null values of a column chunk, in order, by physical type.
public enum ColumnValues: Sendable, Equatable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    /// `BYTE_ARRAY` and `FIXED_LEN_BYTE_ARRAY`.
    case bytes(ByteArrays)

    init(type: PhysicalType) {
        switch type {
        case .boolean: self = .boolean([])
        case .int32: self = .int32([])
        case .int64: self = .int64([])
        case .float: self = .float([])
        case .double: self = .double([])
        case .byteArray, .fixedLenByteArray, .int96: self = .bytes(ByteArrays())
        }
    }

    public var count: Int {
        switch self {
        case .boolean(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .float(let v): return v.count
        case .double(let v): return v.count
        case .bytes(let v): return v.count
        }
    }
}

/// One column chunk decoded: the values present plus the levels that place them in rows.
public struct ColumnChunk: Sendable {
    public var column: LeafColumn
    public var values: ColumnValues
    /// One per level entry; empty when the column's maximum definition level is 0.
    public var definitionLevels: [UInt8]
    /// One per level entry; empty when the column is not inside a repeated field.
    public var repetitionLevels: [UInt8]
    /// Level entries (slots), which is the row count for a flat column.
    public var entryCount: Int
}
