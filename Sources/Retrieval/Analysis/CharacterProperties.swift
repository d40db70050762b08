/// Word_Break class of a code point as Lucene's StandardTokenizer sees it (Unicode 9.0).
/// Raw values match `scripts/generate-analysis-tables.py`.
enum WordBreakClass: UInt8 {
    case other = 0, cr, lf, newline, extend, zwj, regionalIndicator, format, katakana,
         hebrewLetter, aLetter, singleQuote, doubleQuote, midNumLet, midLetter, midNum,
         numeric, extendNumLet
}

/// Packed per-code-point properties: the Word_Break class in bits 0-4 plus flags.
/// Looked up through a flat table for the BMP and binary search above it.
enum CharacterProperties {
    static let classMask: UInt16 = 0x1F
    static let han: UInt16 = 1 << 5
    static let hiragana: UInt16 = 1 << 6
    /// Line_Break=Complex_Context (Thai, Lao, Myanmar, Khmer, ...).
    static let complexContext: UInt16 = 1 << 7
    /// Extended_Pictographic, or Emoji other than regional indicators, keycap bases, ©®™〰〽 and skin tones.
    static let emojiChar: UInt16 = 1 << 8
    static let emojiModifierBase: UInt16 = 1 << 9
    static let emojiModifier: UInt16 = 1 << 10

    /// Range starts (code points) and their values, decoded once from the generated table.
    static let ranges: (starts: [UInt32], values: [UInt16]) = {
        var starts: [UInt32] = []
        var values: [UInt16] = []
        forEachHexWord(UnicodeTables.packedRanges, digits: 8) { word in
            starts.append(UInt32(truncatingIfNeeded: word >> 11))
            values.append(UInt16(truncatingIfNeeded: word & 0x7FF))
        }
        return (starts, values)
    }()

    /// Values for U+0000...U+FFFF, indexed directly.
    static let bmp: [UInt16] = {
        let (starts, values) = ranges
        var table = [UInt16](repeating: 0, count: 0x10000)
        for index in starts.indices where starts[index] < 0x10000 {
            let end = index + 1 < starts.count ? min(Int(starts[index + 1]), 0x10000) : 0x10000
            for cp in Int(starts[index])..<end { table[cp] = values[index] }
        }
        return table
    }()

    /// Value of a supplementary-plane code point.
    static func supplementary(_ cp: UInt32) -> UInt16 {
        let (starts, values) = ranges
        // Last range whose start is <= cp.
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= cp { low = mid } else { high = mid - 1 }
        }
        return values[low]
    }

    static func value(of cp: UInt32) -> UInt16 {
        cp < 0x10000 ? bmp[Int(cp)] : supplementary(cp)
    }

    /// Calls `body` with each `digits`-wide hex number in `text`, skipping whitespace.
    static func forEachHexWord(_ text: String, digits: Int, _ body: (UInt64) -> Void) {
        var word: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            let nibble: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt64(byte - UInt8(ascii: "A") + 10)
            default: continue
            }
            word = word << 4 | nibble
            count += 1
            if count == digits {
                body(word)
                word = 0
                count = 0
            }
        }
    }
}

/// Java's `Character.toLowerCase(int)`: the one-to-one (simple) Unicode lowercase mapping,
/// which Lucene's LowerCaseFilter applies per code point.
enum SimpleLowercase {
    static let pairs: (from: [UInt32], to: [UInt32]) = {
        var from: [UInt32] = []
        var to: [UInt32] = []
        CharacterProperties.forEachHexWord(UnicodeTables.packedLowercase, digits: 12) { word in
            from.append(UInt32(truncatingIfNeeded: word >> 24))
            to.append(UInt32(truncatingIfNeeded: word & 0xFF_FFFF))
        }
        return (from, to)
    }()

    static func map(_ cp: UInt32) -> UInt32 {
        if cp < 0x80 {
            return cp >= 0x41 && cp <= 0x5A ? cp | 0x20 : cp
        }
        let (from, to) = pairs
        var low = 0, high = from.count
        while low < high {
            let mid = (low + high) / 2
            if from[mid] < cp { low = mid + 1 } else { high = mid }
        }
        return low < from.count && from[low] == cp ? to[low] : cp
    }
}
