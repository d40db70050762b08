/// Parquet's PLAIN encoding: fixed-width values little-endian end to end, booleans bit-packed
/// LSB first, byte arrays each behind a 4-byte little-endian length.
enum PlainDecoder {
    static func decode(_ buffer: UnsafeRawBufferPointer, column: LeafColumn, count: Int, into values: inout ColumnValues) throws(DecodeError) {
        var cursor = ByteCursor(buffer)
        switch values {
        case .boolean(var v):
            let bytes = try cursor.bytes((count + 7) / 8, "\(count) PLAIN booleans")
            v.reserveCapacity(v.count + count)
            for i in 0..<count { v.append(bytes[i >> 3] >> UInt8(i & 7) & 1 == 1) }
            values = .boolean(v)
        case .int32(var v):
            try fixed(&cursor, count: count, into: &v)
            values = .int32(v)
        case .int64(var v):
            try fixed(&cursor, count: count, into: &v)
            values = .int64(v)
        case .float(var v):
            var bits: [UInt32] = []
            try fixed(&cursor, count: count, into: &bits)
            v.append(contentsOf: bits.lazy.map(Float.init(bitPattern:)))
            values = .float(v)
        case .double(var v):
            var bits: [UInt64] = []
            try fixed(&cursor, count: count, into: &bits)
            v.append(contentsOf: bits.lazy.map(Double.init(bitPattern:)))
            values = .double(v)
        case .bytes(var v):
            values = .bytes(ByteArrays())  // drop the other reference so `v` is appended in place
            if column.type == .byteArray {
                for _ in 0..<count {
                    let length = try cursor.littleEndian(UInt32.self, "a PLAIN byte array length")
                    v.append(try cursor.bytes(Int(length), "a PLAIN byte array of \(length) bytes"))
                }
            } else {
                let width = column.typeLength
                guard width > 0 else { throw .malformed("fixed-length byte array of width \(width)", at: 0) }
                for _ in 0..<count { v.append(try cursor.bytes(width, "a fixed-length byte array")) }
            }
            values = .bytes(v)
        }
    }

    private static func fixed<T: FixedWidthInteger>(_ cursor: inout ByteCursor, count: Int, into output: inout [T]) throws(DecodeError) {
        let size = MemoryLayout<T>.size
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else { throw .malformed("\(count) values", at: cursor.position) }
        let bytes = try cursor.bytes(total, "\(count) PLAIN values of \(size) bytes")
        output.reserveCapacity(output.count + count)
        for i in 0..<count { output.append(T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * size, as: T.self))) }
    }
}
