/// A value of Thrift's compact protocol, read without a schema: Parquet's metadata structures
/// are decoded from this tree by field id (`Metadata.swift`), and unknown fields are kept and ignored,
/// so files from newer writers still read.
indirect enum ThriftValue {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary(UnsafeRawBufferPointer)
    case list([ThriftValue])
    case map
    case structure(ThriftStruct)
}

/// A Thrift struct: its fields by id, and the offset it started at (for error messages).
struct ThriftStruct {
    var fields: [Int16: ThriftValue] = [:]
    var offset: Int = 0

    func int(_ id: Int16) -> Int64? {
        if case .int(let v) = fields[id] { return v }
        return nil
    }

    func bool(_ id: Int16) -> Bool? {
        if case .bool(let v) = fields[id] { return v }
        return nil
    }

    func string(_ id: Int16) -> String? {
        if case .binary(let b) = fields[id] { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    func structure(_ id: Int16) -> ThriftStruct? {
        if case .structure(let s) = fields[id] { return s }
        return nil
    }

    func list(_ id: Int16) -> [ThriftValue]? {
        if case .list(let l) = fields[id] { return l }
        return nil
    }

    /// A required integer field, as `Int`, or a `malformed` error naming the structure and field.
    func requiredInt(_ id: Int16, _ name: String) throws(DecodeError) -> Int {
        guard let v = int(id) else { throw .malformed("\(name) is missing", at: offset) }
        guard let i = Int(exactly: v) else { throw .malformed("\(name) out of range", at: offset) }
        return i
    }
}

/// Reads Thrift compact-protocol structures (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
struct ThriftCompactReader {
    var cursor: ByteCursor
    /// Nesting deeper than this is refused: Parquet's metadata is a few levels deep, and a
    /// crafted file must not exhaust the stack.
    static let maximumDepth = 64

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        cursor = ByteCursor(buffer, position: position)
    }

    mutating func readStruct(depth: Int = 0) throws(DecodeError) -> ThriftStruct {
        guard depth < Self.maximumDepth else { throw .malformed("Thrift structures nested too deeply", at: cursor.position) }
        var result = ThriftStruct(offset: cursor.position)
        var lastID: Int16 = 0
        while true {
            let header = try cursor.byte("a Thrift field header")
            if header == 0 { return result }  // STOP
            let type = header & 0x0F
            let delta = Int16(header >> 4)
            let id: Int16
            if delta == 0 {
                let raw = try cursor.zigzag("a Thrift field id")
                guard let narrow = Int16(exactly: raw) else { throw .malformed("Thrift field id \(raw) out of range", at: cursor.position) }
                id = narrow
            } else {
                id = lastID &+ delta
            }
            lastID = id
            let value: ThriftValue
            switch type {
            case 1: value = .bool(true)
            case 2: value = .bool(false)
            default: value = try readValue(type: type, depth: depth + 1)
            }
            result.fields[id] = value
        }
    }

    private mutating func readValue(type: UInt8, depth: Int) throws(DecodeError) -> ThriftValue {
        switch type {
        case 1, 2:
            // Booleans inside lists are one byte each (1 true, 2 false; some writers use 0).
            return .bool(try cursor.byte("a Thrift bool") == 1)
        case 3:
            return .int(Int64(Int8(bitPattern: try cursor.byte("a Thrift byte"))))
        case 4, 5, 6:
            return .int(try cursor.zigzag("a Thrift integer"))
        case 7:
            let bits = try cursor.littleEndian(UInt64.self, "a Thrift double")
            return .double(Double(bitPattern: bits))
        case 8:
            let length = try cursor.varint("a Thrift binary length")
            guard length <= UInt64(cursor.remaining) else { throw .truncated("a Thrift binary", at: cursor.position) }
            return .binary(try cursor.bytes(Int(length), "a Thrift binary"))
        case 9, 10:
            let header = try cursor.byte("a Thrift list header")
            var count = UInt64(header >> 4)
            if count == 15 { count = try cursor.varint("a Thrift list size") }
            // Each element takes at least one byte: a larger count is a damaged file.
            guard count <= UInt64(cursor.remaining) else { throw .truncated("a Thrift list", at: cursor.position) }
            let elementType = header & 0x0F
            var items: [ThriftValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<Int(count) { items.append(try readValue(type: elementType, depth: depth)) }
            return .list(items)
        case 11:
            let count = try cursor.varint("a Thrift map size")
            guard count <= UInt64(cursor.remaining) else { throw .truncated("a Thrift map", at: cursor.position) }
            if count > 0 {
                let types = try cursor.byte("a Thrift map header")
                for _ in 0..<Int(count) {
                    _ = try readValue(type: types >> 4, depth: depth)
                    _ = try readValue(type: types & 0x0F, depth: depth)
                }
            }
            return .map
        case 12:
            guard depth < Self.maximumDepth else { throw .malformed("Thrift structures nested too deeply", at: cursor.position) }
            return .structure(try readStruct(depth: depth))
        default:
            throw .malformed("unknown Thrift type \(type)", at: cursor.position)
        }
    }
}
