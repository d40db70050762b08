/// Lucene's one-byte field-length norm (`SmallFloat.intToByte4` / `byte4ToInt`): exact up to
/// 23 tokens, then 4 significant bits. Lucene's BM25 sees document lengths only through it.
enum LuceneLengthNorm {
    /// Lengths below this are stored exactly.
    private static let freeValues = 24

    static func encode(_ length: Int) -> UInt8 {
        if length < freeValues { return UInt8(length) }
        return UInt8(freeValues + encodeInt4(length - freeValues))
    }

    static func decode(_ byte: UInt8) -> Int {
        let value = Int(byte)
        if value < freeValues { return value }
        return freeValues + decodeInt4(value - freeValues)
    }

    /// A float with a 3-bit mantissa (plus the implicit bit) and the rest as exponent.
    private static func encodeInt4(_ value: Int) -> Int {
        let bits = Int.bitWidth - value.leadingZeroBitCount
        if bits < 4 { return value }
        let shift = bits - 4
        return ((value >> shift) & 0x07) | ((shift + 1) << 3)
    }

    private static func decodeInt4(_ value: Int) -> Int {
        let mantissa = value & 0x07
        let shift = (value >> 3) - 1
        return shift == -1 ? mantissa : (mantissa | 0x08) << shift
    }

    /// The decoded length of every possible norm byte.
    static let decodedLengths: [Int] = (0...255).map { decode(UInt8($0)) }
}
