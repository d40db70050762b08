/// Anserini's `DefaultEnglishAnalyzer` (what pyserini's `get_lucene_analyzer()` returns):
/// StandardTokenizer → English possessive filter → lowercase → English stop words → Porter stemmer.
/// The order matters: `It's` loses `'s` before lowercasing and is then dropped as the stop word `it`.
public struct EnglishAnalyzer: Analyzer {
    private let tokenizer = StandardTokenizer()

    public init() {}

    public func analyze(_ text: String) -> [String] {
        var terms: [String] = []
        forEachTerm(in: text) { terms.append($0) }
        return terms
    }

    /// Calls `body` with each term in order, without building an array.
    public func forEachTerm(in text: String, _ body: (String) -> Void) {
        withContiguousUTF8(text) { bytes in
            EnglishStopWords.packed.withUnsafeBufferPointer { stopWords in
                var scratch = TermScratch()
                tokenizer.forEachToken(in: bytes) { range in
                    if let term = scratch.process(UnsafeBufferPointer(rebasing: bytes[range]), stopWords: stopWords) {
                        body(term)
                    }
                }
            }
        }
    }
}

/// Reusable buffers for the filters that run on each token.
private struct TermScratch {
    var bytes = [UInt8](repeating: 0, count: 1024)
    var units = [UInt16](repeating: 0, count: 512)

    /// The term for one raw token, or nil for a stop word.
    mutating func process(_ token: UnsafeBufferPointer<UInt8>, stopWords: UnsafeBufferPointer<UInt64>) -> String? {
        let length = possessiveStripped(token)
        // Lowercasing never more than doubles the UTF-8 length (2-byte → 3-byte at worst).
        if bytes.count < 2 * length { bytes = [UInt8](repeating: 0, count: 2 * length) }
        return bytes.withUnsafeMutableBufferPointer { out -> String? in
            guard let base = out.baseAddress else { return nil }
            var count = 0
            var isASCII = true
            var i = 0
            while i < length {
                let byte = token[i]
                if byte < 0x80 {
                    base[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    count += 1
                    i += 1
                } else {
                    let (cp, width) = decodeScalar(token, at: i)
                    let lower = SimpleLowercase.map(cp)
                    if lower >= 0x80 { isASCII = false }  // İ → i and K (Kelvin) → k become ASCII
                    count += encodeScalar(lower, into: base + count)
                    i += width
                }
            }
            let lowered = UnsafeBufferPointer(start: base, count: count)
            if isASCII {
                if EnglishStopWords.contains(lowered, in: stopWords) { return nil }
                let stemmed = PorterStemmer.stem(base, count: count)
                return String(decoding: UnsafeBufferPointer(start: base, count: stemmed), as: UTF8.self)
            }
            // The stemmer counts UTF-16 units, as Lucene does on Java chars.
            let utf16 = Array(String(decoding: lowered, as: UTF8.self).utf16)
            if units.count < utf16.count { units = [UInt16](repeating: 0, count: utf16.count) }
            return units.withUnsafeMutableBufferPointer { buffer -> String? in
                guard let unitBase = buffer.baseAddress else { return nil }
                for (index, unit) in utf16.enumerated() { unitBase[index] = unit }
                let stemmed = PorterStemmer.stem(unitBase, count: utf16.count)
                return String(decoding: UnsafeBufferPointer(start: unitBase, count: stemmed), as: UTF16.self)
            }
        }
    }

    /// Token length without a trailing `'s`, `’s` or `＇s` (Lucene's EnglishPossessiveFilter,
    /// which runs before lowercasing and so also accepts `'S`).
    private func possessiveStripped(_ token: UnsafeBufferPointer<UInt8>) -> Int {
        let n = token.count
        guard n >= 2, token[n - 1] == 0x73 || token[n - 1] == 0x53 else { return n }
        if token[n - 2] == 0x27 { return n - 2 }
        if n >= 4 {
            let (a, b, c) = (token[n - 4], token[n - 3], token[n - 2])
            if (a, b, c) == (0xE2, 0x80, 0x99) || (a, b, c) == (0xEF, 0xBC, 0x87) { return n - 4 }
        }
        return n
    }
}

/// Decodes the scalar at `i` of valid UTF-8.
@inline(__always)
func decodeScalar(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let b0 = UInt32(text[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
            | UInt32(text[i + 3] & 0x3F), 4)
}

/// Writes `cp` as UTF-8 and returns the number of bytes.
@inline(__always)
func encodeScalar(_ cp: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
    switch cp {
    case ..<0x80:
        out[0] = UInt8(cp)
        return 1
    case ..<0x800:
        out[0] = UInt8(0xC0 | cp >> 6)
        out[1] = UInt8(0x80 | cp & 0x3F)
        return 2
    case ..<0x10000:
        out[0] = UInt8(0xE0 | cp >> 12)
        out[1] = UInt8(0x80 | cp >> 6 & 0x3F)
        out[2] = UInt8(0x80 | cp & 0x3F)
        return 3
    default:
        out[0] = UInt8(0xF0 | cp >> 18)
        out[1] = UInt8(0x80 | cp >> 12 & 0x3F)
        out[2] = UInt8(0x80 | cp >> 6 & 0x3F)
        out[3] = UInt8(0x80 | cp & 0x3F)
        return 4
    }
}
