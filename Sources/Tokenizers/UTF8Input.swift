/// What `encode(utf8:)` does with bytes that are not valid UTF-8.
public enum InvalidUTF8Handling: Sendable, Hashable {
    /// Throw `TokenizerError.invalidUTF8` with the offset of the first bad byte.
    case reject
    /// Replace each ill-formed sequence with U+FFFD, as `String(decoding:as:)` does. BERT's
    /// `clean_text` then drops the U+FFFD, so the bad bytes simply vanish.
    case replace
}

extension Tokenizer {
    /// Tokenizes raw bytes. A Swift `String` is always valid Unicode, but text read from files
    /// or the network may not be; this checks it first.
    public func encode(
        utf8 bytes: [UInt8],
        addSpecialTokens: Bool = true,
        maxLength: Int? = nil,
        invalidUTF8: InvalidUTF8Handling = .reject
    ) throws -> Encoding {
        if let offset = UTF8Validation.firstInvalidByte(in: bytes), invalidUTF8 == .reject {
            throw TokenizerError.invalidUTF8(byteOffset: offset)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return encode(text, addSpecialTokens: addSpecialTokens, maxLength: maxLength)
    }
}

/// A strict UTF-8 check (Unicode Table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence, or nil when all is valid.
    static func firstInvalidByte(in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidByte(in: $0) }
    }

    static func firstInvalidByte(in b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            // ASCII fast path, eight bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < n else { break }
            let c0 = b[i]
            if c0 < 0x80 { i += 1; continue }
            func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
                i + k < n && b[i + k] >= lo && b[i + k] <= hi
            }
            switch c0 {
            case 0xC2...0xDF:
                guard cont(1) else { return i }
                i += 2
            case 0xE0:
                guard cont(1, 0xA0, 0xBF), cont(2) else { return i }
                i += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard cont(1), cont(2) else { return i }
                i += 3
            case 0xED:
                guard cont(1, 0x80, 0x9F), cont(2) else { return i }
                i += 3
            case 0xF0:
                guard cont(1, 0x90, 0xBF), cont(2), cont(3) else { return i }
                i += 4
            case 0xF1...0xF3:
                guard cont(1), cont(2), cont(3) else { return i }
                i += 4
            case 0xF4:
                guard cont(1, 0x80, 0x8F), cont(2), cont(3) else { return i }
                i += 4
            default:
                return i
            }
        }
        return nil
    }
}
