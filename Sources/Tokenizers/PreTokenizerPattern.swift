/// The regular expressions byte-level BPE models split text with before merging, matched by hand
/// (a regex engine is several times slower). Each case documents the expression it implements;
/// matches and the text between them both become pieces, as `tokenizers`' `Split` with
/// `Isolated` behaviour and llama.cpp's `unicode_regex_split` produce.
public enum PreTokenizerPattern: String, Sendable, CaseIterable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    case llama3
    /// Qwen2: the Llama 3 expression with single digits (`\p{N}` instead of `\p{N}{1,3}`).
    case qwen2
    /// SmolLM (StarCoder, llama.cpp's `smollm`): every `\p{N}` on its own, then GPT-2 on each piece.
    case smollm
    /// llama.cpp's `default`: runs of `[\p{P}$+<=>^~|]`, then GPT-2, then `\p{N}+` runs, then groups of three ASCII digits.
    case llamaCppDefault

    /// llama.cpp's `tokenizer.ggml.pre` names, mapped to the patterns they use.
    public init?(ggufName name: String) {
        switch name {
        case "gpt2", "gpt-2", "mpt", "olmo", "jais": self = .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral": self = .llama3
        case "qwen2", "qwen2.5", "qwen-2.5", "deepseek-r1-qwen", "stablelm2": self = .qwen2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b": self = .smollm
        case "default": self = .llamaCppDefault
        default: return nil
        }
    }

    /// Splits `text` (Unicode scalars) into contiguous pieces covering all of it.
    public func split(_ text: UnsafeBufferPointer<UInt32>) -> [Range<Int>] {
        let whole = [0..<text.count]
        switch self {
        case .gpt2: return Self.refine(whole) { Self.gpt2Pieces(text, $0) }
        case .llama3: return Self.refine(whole) { Self.llama3Pieces(text, $0, maxDigits: 3) }
        case .qwen2: return Self.refine(whole) { Self.llama3Pieces(text, $0, maxDigits: 1) }
        case .smollm:
            let digits = Self.refine(whole) { Self.isolate(text, $0, each: true) { ScalarClass.of($0) == .number } }
            return Self.refine(digits) { Self.gpt2Pieces(text, $0) }
        case .llamaCppDefault:
            var pieces = Self.refine(whole) { Self.isolate(text, $0, each: false, ScalarClass.isDefaultPunctuation) }
            pieces = Self.refine(pieces) { Self.gpt2Pieces(text, $0) }
            pieces = Self.refine(pieces) { Self.isolate(text, $0, each: false) { ScalarClass.of($0) == .number } }
            return Self.refine(pieces) { Self.asciiDigitTriples(text, $0) }
        }
    }

    // MARK: Splitters (each gets one piece and returns its sub-pieces)

    private static func refine(_ pieces: [Range<Int>], _ splitter: (Range<Int>) -> [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(pieces.count)
        for p in pieces where !p.isEmpty { out.append(contentsOf: splitter(p)) }
        return out
    }

    /// Matches of `matcher` (which returns the end of the match at a position, or nil) and the gaps between them.
    private static func pieces(_ range: Range<Int>, _ matcher: (Int) -> Int?) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var gapStart = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            if let end = matcher(i), end > i {
                if gapStart < i { out.append(gapStart..<i) }
                out.append(i..<end)
                i = end
                gapStart = end
            } else {
                i += 1
            }
        }
        if gapStart < range.upperBound { out.append(gapStart..<range.upperBound) }
        return out
    }

    /// Runs of scalars in a class (or each such scalar alone) become pieces.
    private static func isolate(_ t: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, each: Bool,
                                _ member: (UInt32) -> Bool) -> [Range<Int>] {
        pieces(range) { i in
            guard member(t[i]) else { return nil }
            if each { return i + 1 }
            var j = i + 1
            while j < range.upperBound, member(t[j]) { j += 1 }
            return j
        }
    }

    private static func asciiDigitTriples(_ t: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) -> [Range<Int>] {
        pieces(range) { i in
            guard i + 3 <= range.upperBound, (i..<(i + 3)).allSatisfy({ (0x30...0x39).contains(t[$0]) }) else { return nil }
            return i + 3
        }
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `i` (ASCII-case-insensitive when asked).
    private static func contraction(_ t: UnsafeBufferPointer<UInt32>, _ i: Int, _ end: Int, ignoreCase: Bool) -> Int? {
        guard t[i] == 0x27, i + 1 < end else { return nil }
        func lower(_ c: UInt32) -> UInt32 { ignoreCase && c >= 0x41 && c <= 0x5A ? c + 32 : c }
        let a = lower(t[i + 1])
        if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 { return i + 2 }  // s t m d
        guard i + 2 < end else { return nil }
        let b = lower(t[i + 2])
        if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return i + 3 }  // re ve ll
        return nil
    }

    private static func run(_ t: UnsafeBufferPointer<UInt32>, from i: Int, _ end: Int, _ kind: ScalarClass) -> Int {
        var j = i
        while j < end, ScalarClass.of(t[j]) == kind { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar: the run, less its last scalar when a non-space follows
    /// (that scalar then prefixes the next piece), unless the run is one scalar long.
    private static func whitespace(_ t: UnsafeBufferPointer<UInt32>, _ i: Int, _ end: Int) -> Int {
        let j = run(t, from: i, end, .space)
        if j == end || j - 1 == i { return j }
        return j - 1
    }

    private static func gpt2Pieces(_ t: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) -> [Range<Int>] {
        let end = range.upperBound
        return pieces(range) { i in
            if let e = contraction(t, i, end, ignoreCase: false) { return e }
            // ` ?X+` for letters, numbers and other: an optional single space, then a run.
            let start = (t[i] == 0x20 && i + 1 < end && ScalarClass.of(t[i + 1]) != .space) ? i + 1 : i
            let kind = ScalarClass.of(t[start])
            if kind != .space { return run(t, from: start, end, kind) }
            return whitespace(t, i, end)
        }
    }

    private static func llama3Pieces(_ t: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, maxDigits: Int) -> [Range<Int>] {
        let end = range.upperBound
        return pieces(range) { i in
            if let e = contraction(t, i, end, ignoreCase: true) { return e }
            let c = t[i]
            let kind = ScalarClass.of(c)
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if kind == .letter { return run(t, from: i, end, .letter) }
            if kind != .number, c != 0x0A, c != 0x0D, i + 1 < end, ScalarClass.of(t[i + 1]) == .letter {
                return run(t, from: i + 1, end, .letter)
            }
            // \p{N}{1,maxDigits}
            if kind == .number {
                var j = i + 1
                while j < end, j - i < maxDigits, ScalarClass.of(t[j]) == .number { j += 1 }
                return j
            }
            //  ?[^\s\p{L}\p{N}]+[\r\n]*
            let start = (c == 0x20 && i + 1 < end && ScalarClass.of(t[i + 1]) == .other) ? i + 1 : i
            if ScalarClass.of(t[start]) == .other {
                var j = run(t, from: start, end, .other)
                while j < end, t[j] == 0x0A || t[j] == 0x0D { j += 1 }
                return j
            }
            // \s*[\r\n]+ : the whitespace run up to its last line break.
            let j = run(t, from: i, end, .space)
            var lastBreak = -1
            for k in i..<j where t[k] == 0x0A || t[k] == 0x0D { lastBreak = k }
            if lastBreak >= 0 { return lastBreak + 1 }
            return whitespace(t, i, end)
        }
    }
}

/// The classes the split patterns distinguish: `\p{L}`, `\p{N}`, `\s` and everything else.
enum ScalarClass: UInt8 {
    case letter, number, space, other

    private static let ascii: [ScalarClass] = (0..<128).map { c -> ScalarClass in
        if (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) { return .letter }
        if (0x30...0x39).contains(c) { return .number }
        if CharacterClasses.isWhitespace(UInt32(c)) { return .space }
        return .other
    }

    @inline(__always)
    static func of(_ c: UInt32) -> ScalarClass {
        if c < 128 { return ascii[Int(c)] }
        if CharacterClasses.isWhitespace(c) { return .space }
        guard let scalar = Unicode.Scalar(c) else { return .other }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// llama.cpp's default first split, `[\p{P}\$\+<=>\^~\|]`.
    static func isDefaultPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true
        default:
            guard let scalar = Unicode.Scalar(c) else { return false }
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
            default: return false
            }
        }
    }
}
