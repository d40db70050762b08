/// A bounds-checked reader over a byte buffer: every read checks the remaining length and throws
/// `DecodeError.truncated` rather than reading past the end, so no file can crash the process.
struct ByteCursor {
    let buffer: UnsafeRawBufferPointer
    var position: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    var remaining: Int { buffer.count - position }
    var isAtEnd: Bool { position >= buffer.count }

    mutating func byte(_ what: @autoclosure () -> String = "a byte") throws(DecodeError) -> UInt8 {
        guard position < buffer.count else { throw .truncated(what(), at: position) }
        defer { position += 1 }
        return buffer[position]
    }

    /// The next `count` bytes, as a view into the buffer.
    mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UnsafeRawBufferPointer {
        guard count >= 0 else { throw .malformed("negative length \(count) for \(what())", at: position) }
        guard count <= remaining else { throw .truncated(what(), at: position) }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: buffer[position..<(position + count)])
    }

    /// A little-endian fixed-width integer.
    mutating func littleEndian<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws(DecodeError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated(what(), at: position) }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[position..<(position + size)])) }
        position += size
        return T(littleEndian: value)
    }

    /// An unsigned LEB128 varint of at most 64 bits.
    mutating func varint(_ what: @autoclosure () -> String = "a varint") throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < buffer.count else { throw .truncated(what(), at: start) }
            let b = buffer[position]
            position += 1
            guard shift < 64 else { throw .malformed("varint longer than 64 bits in \(what())", at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A zigzag-encoded signed varint (Thrift compact protocol's i16, i32, i64).
    mutating func zigzag(_ what: @autoclosure () -> String = "a varint") throws(DecodeError) -> Int64 {
        let raw = try varint(what())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}
