import Foundation

/// BERT's text normalizer, equal to `tokenizers`' `BertNormalizer`. In order:
/// 1. `cleanText`: drop NUL, U+FFFD and control characters (Cc, Cf, Co); map whitespace to a space.
/// 2. `handleChineseChars`: put a space on each side of every CJK ideograph.
/// 3. `stripAccents` (nil follows `lowercase`): NFD, then drop nonspacing marks (Mn).
/// 4. `lowercase`: Unicode full lowercase mapping of each character, without context.
///
/// Character categories come from the same (Unicode 8.0) tables the reference uses; see
/// `BertUnicodeTables`.
public struct BertNormalizer: Sendable, Hashable {
    public var cleanText: Bool
    public var handleChineseChars: Bool
    /// nil means "do what `lowercase` says", as in `tokenizer.json`'s `"strip_accents": null`.
    public var stripAccents: Bool?
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Whether accents are stripped, after resolving `stripAccents == nil`.
    public var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Normalizes a whole string (convenient for tests; the tokenizer works on scalar buffers).
    public func normalize(_ text: String) -> String {
        let input = text.unicodeScalars.map(\.value)
        var scratch = NormalizerScratch()
        input.withUnsafeBufferPointer { normalize($0, into: &scratch) }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scratch.output.map { Unicode.Scalar($0)! })
        return String(result)
    }

    /// Normalizes `input` into `scratch.output` (replacing what was there).
    func normalize(_ input: UnsafeBufferPointer<UInt32>, into scratch: inout NormalizerScratch) {
        scratch.output.removeAll(keepingCapacity: true)
        scratch.output.reserveCapacity(input.count + 8)
        let strip = stripsAccents
        for scalar in input {
            var c = scalar
            if c < 0x80 {
                if cleanText {
                    if c < 0x20 {
                        guard c == 0x09 || c == 0x0A || c == 0x0D else { continue }
                        c = 0x20
                    } else if c == 0x7F {
                        continue
                    }
                }
                if !scratch.run.isEmpty { flushRun(&scratch) }
                if lowercase, c >= 0x41, c <= 0x5A { c += 0x20 }
                scratch.output.append(c)
                continue
            }
            if cleanText {
                if c == 0xFFFD || CharacterClasses.isControl(c) { continue }
                if CharacterClasses.isWhitespace(c) { c = 0x20 }
            }
            if handleChineseChars, CharacterClasses.isChineseChar(c) {
                stripStage(0x20, strip, &scratch)
                stripStage(c, strip, &scratch)
                stripStage(0x20, strip, &scratch)
            } else {
                stripStage(c, strip, &scratch)
            }
        }
        if !scratch.run.isEmpty { flushRun(&scratch) }
    }

    /// Step 3: canonical decomposition and canonical ordering (NFD), then dropping Mn.
    @inline(__always)
    private func stripStage(_ c: UInt32, _ strip: Bool, _ s: inout NormalizerScratch) {
        guard strip else { return lowercaseStage(c, &s) }
        if c < 0xC0 {
            // Nothing below U+00C0 decomposes canonically, and all of it has combining class 0.
            if !s.run.isEmpty { flushRun(&s) }
            return lowercaseStage(c, &s)
        }
        var parts = CanonicalDecomposition.Parts()
        s.decompositions.decompose(c, into: &parts)
        for k in 0..<parts.count {
            let d = parts[k]
            let ccc = CanonicalDecomposition.combiningClass(d)
            if ccc == 0 {
                if !s.run.isEmpty { flushRun(&s) }
                if !CharacterClasses.isNonspacingMark(d) { lowercaseStage(d, &s) }
            } else {
                // Canonical ordering: a stable insertion sort of each run of non-starters.
                var at = s.run.count
                while at > 0, s.run[at - 1].ccc > ccc { at -= 1 }
                s.run.insert((d, ccc), at: at)
            }
        }
    }

    private func flushRun(_ s: inout NormalizerScratch) {
        for (d, _) in s.run where !CharacterClasses.isNonspacingMark(d) {
            lowercaseStage(d, &s)
        }
        s.run.removeAll(keepingCapacity: true)
    }

    /// Step 4: Rust's `char::to_lowercase`, one character at a time.
    @inline(__always)
    private func lowercaseStage(_ c: UInt32, _ s: inout NormalizerScratch) {
        guard lowercase else { return s.output.append(c) }
        if c < 0x80 {
            s.output.append(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
            return
        }
        let scalar = Unicode.Scalar(c)!
        let properties = scalar.properties
        if properties.changesWhenLowercased {
            for u in properties.lowercaseMapping.unicodeScalars { s.output.append(u.value) }
        } else {
            s.output.append(c)
        }
    }
}

/// Reusable buffers for normalizing, one per encoding call (so the tokenizer stays a value type
/// that many threads can share).
struct NormalizerScratch {
    var output: [UInt32] = []
    var run: [(scalar: UInt32, ccc: UInt8)] = []
    var decompositions = CanonicalDecomposition()
}

/// Full canonical decompositions (the "D" of NFD) of single scalars, memoised.
struct CanonicalDecomposition {
    /// Up to four scalars inline (no canonical decomposition is longer), more on the heap.
    struct Parts {
        private(set) var count = 0
        private var inline: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        private var extra: [UInt32] = []

        mutating func append(_ v: UInt32) {
            switch count {
            case 0: inline.0 = v
            case 1: inline.1 = v
            case 2: inline.2 = v
            case 3: inline.3 = v
            default: extra.append(v)
            }
            count += 1
        }

        subscript(i: Int) -> UInt32 {
            switch i {
            case 0: return inline.0
            case 1: return inline.1
            case 2: return inline.2
            case 3: return inline.3
            default: return extra[i - 4]
            }
        }
    }

    /// Decompositions of U+00C0..<U+3400 (Latin, Greek, Cyrillic, Arabic, Indic, …), computed once
    /// per process (about 13,000 scalars, a few milliseconds); only those that decompose are kept.
    private static let common: [UInt32: [UInt32]] = {
        var table: [UInt32: [UInt32]] = [:]
        for c in UInt32(0xC0)..<0x3400 {
            guard let scalar = Unicode.Scalar(c) else { continue }
            let d = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
            if d != [c] { table[c] = d }
        }
        return table
    }()

    /// Scalars above U+3400 looked up so far (this per-call memo keeps the type free of locks).
    private var memo: [UInt32: [UInt32]] = [:]

    mutating func decompose(_ c: UInt32, into parts: inout Parts) {
        if c < 0x3400 {
            if let d = Self.common[c] { for x in d { parts.append(x) } } else { parts.append(c) }
            return
        }
        switch c {
        case 0xAC00...0xD7A3:
            // Hangul syllables decompose algorithmically (Unicode 3.12).
            let s = c - 0xAC00
            parts.append(0x1100 + s / 588)
            parts.append(0x1161 + (s % 588) / 28)
            if s % 28 != 0 { parts.append(0x11A7 + s % 28) }
            return
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0x20000...0x2A6DF, 0xE000...0xF8FF:
            // CJK unified ideographs and private use have no decompositions.
            parts.append(c)
            return
        default:
            break
        }
        if let known = memo[c] {
            for d in known { parts.append(d) }
            return
        }
        let single = String(Character(Unicode.Scalar(c)!))
        let decomposed = single.decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        memo[c] = decomposed
        for d in decomposed { parts.append(d) }
    }

    @inline(__always)
    static func combiningClass(_ c: UInt32) -> UInt8 {
        c < 0x300 ? 0 : Unicode.Scalar(c)!.properties.canonicalCombiningClass.rawValue
    }
}
