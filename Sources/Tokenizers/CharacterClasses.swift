/// Character classes as Hugging Face `tokenizers` (Rust) defines them for BERT, on Unicode
/// scalar values.
enum CharacterClasses {
    /// Rust's `char::is_whitespace` (the Unicode White_Space property).
    @inline(__always)
    static func isWhitespace(_ c: UInt32) -> Bool {
        if c < 0x80 { return c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        switch c {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// BertNormalizer's `is_control`: Cc, Cf or Co (Unicode 8.0 tables), except tab, newline and
    /// carriage return, which count as whitespace.
    @inline(__always)
    static func isControl(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F }
        return inRanges(c, BertUnicodeTables.other)
    }

    /// BertPreTokenizer's punctuation: ASCII punctuation (33–47, 58–64, 91–96, 123–126) or a
    /// Unicode 8.0 P* category.
    @inline(__always)
    static func isPunctuation(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
        }
        return inRanges(c, BertUnicodeTables.punctuation)
    }

    /// Mn in the Unicode 8.0 tables (what strip_accents removes after NFD).
    @inline(__always)
    static func isNonspacingMark(_ c: UInt32) -> Bool {
        c >= 0x300 && inRanges(c, BertUnicodeTables.nonspacingMark)
    }

    /// BertNormalizer's `is_chinese_char`: the CJK ideograph blocks, with the ranges exactly as
    /// `tokenizers` writes them.
    @inline(__always)
    static func isChineseChar(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// The regex crate's Unicode `\w`: Alphabetic, marks, decimal digits, connector punctuation
    /// and Join_Control. Used by added tokens with `single_word`.
    static func isWordCharacter(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        }
        guard let scalar = Unicode.Scalar(c) else { return false }
        let p = scalar.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Whether `c` falls in one of the (first, last) pairs of a sorted table.
    static func inRanges(_ c: UInt32, _ table: [UInt32]) -> Bool {
        table.withUnsafeBufferPointer { t in
            var lo = 0
            var hi = t.count / 2  // pairs in [lo, hi)
            while lo < hi {
                let mid = (lo + hi) >> 1
                if c < t[2 * mid] {
                    hi = mid
                } else if c > t[2 * mid + 1] {
                    lo = mid + 1
                } else {
                    return true
                }
            }
            return false
        }
    }
}
