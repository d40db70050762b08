/// GPT-2's byte-level alphabet: every byte stands for one printable Unicode scalar, so any UTF-8
/// text becomes a string of "characters" a BPE vocabulary can hold. Printable Latin-1 bytes
/// (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves; the other 68 bytes take U+0100 onwards, in
/// byte order (so a space is `Ġ` U+0120 and a newline `Ċ` U+010A).
public enum ByteLevelAlphabet {
    /// The scalar that stands for each byte.
    public static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, indexed by scalar value (0..<324); -1 where none.
    private static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, s) in scalarForByte.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()

    /// The byte `scalar` stands for, or nil when it is not in the alphabet.
    @inline(__always)
    public static func byte(for scalar: UInt32) -> UInt8? {
        guard scalar < 324 else { return nil }
        let b = byteForScalar[Int(scalar)]
        return b < 0 ? nil : UInt8(b)
    }

    /// Bytes written in the alphabet.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(scalarForByte[Int(b)])!) }
        return String(s)
    }

    /// The bytes a vocabulary string stands for; nil when a scalar is outside the alphabet.
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = byte(for: s.value) else { return nil }
            bytes.append(b)
        }
        return bytes
    }
}
