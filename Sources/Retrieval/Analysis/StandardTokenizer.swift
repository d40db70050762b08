/// Lucene's `StandardTokenizer` (Lucene 9): Unicode UAX #29 word breaks as Lucene's JFlex grammar
/// implements them, keeping only the token rules (letters/numbers, emoji sequences, South-East
/// Asian runs, single Han ideographs, single hiragana). Everything else is skipped.
///
/// Like the JFlex scanner, each token is the longest match of any rule from the current position,
/// and the scanner never looks further than `maxTokenLength` UTF-16 units ahead, so longer runs are
/// cut into pieces of at most that length.
public struct StandardTokenizer: Sendable {
    /// Lucene's default (`StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH`), counted in UTF-16 units.
    public static let maxTokenLength = 255

    public init() {}

    /// The raw tokens (no case folding), in order.
    public func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        withContiguousUTF8(text) { bytes in
            forEachToken(in: bytes) { range in
                tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
            }
        }
        return tokens
    }

    /// Calls `body` with the byte range of each token in `text`, which must be valid UTF-8.
    func forEachToken(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let transitions = WordAutomaton.transitions
        CharacterProperties.bmp.withUnsafeBufferPointer { bmp in
            transitions.withUnsafeBufferPointer { table in
                TokenScanner(text: text, bmp: bmp, wordTable: table).run(body)
            }
        }
    }
}

/// Runs `body` on the UTF-8 bytes of `text` without copying when the string is native.
func withContiguousUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) {
        return result
    }
    return Array(text.utf8).withUnsafeBufferPointer(body)
}

/// The letter/number rule of Lucene's grammar (WB5-WB13b plus Lucene's Hebrew and ExtendNumLet
/// handling) as a hand-built DFA over "units": one character of a class plus any
/// Extend/Format/ZWJ characters after it (WB4).
enum WordAutomaton {
    // Input classes.
    static let classCount = 12
    static let cOther = 0, cAbsorbed = 1, cExtendNumLet = 2, cLetter = 3, cHebrew = 4, cNumeric = 5,
               cKatakana = 6, cMidLetter = 7, cMidNum = 8, cMidNumLet = 9, cSingleQuote = 10, cDoubleQuote = 11

    // States. Accepting states are the ones ending on a complete unit (or trailing ExtendNumLet).
    static let start = 0, leadingExtendNumLet = 1, afterLetter = 2,
               afterHebrew = 3,        // a Hebrew letter that may begin `Hebrew Single_Quote`
               afterNumeric = 4, afterKatakana = 5, afterExtendNumLet = 6,
               afterHebrewQuote = 7,   // Hebrew Single_Quote (WB7a)
               afterHebrewDouble = 8,  // Hebrew Double_Quote Hebrew (WB7b/c)
               pendingMidLetter = 9, pendingMidNum = 10, pendingDoubleQuote = 11
    static let stateCount = 12
    static let stop: UInt8 = 0xFF

    static func isAccepting(_ state: UInt8) -> Bool { state >= 2 && state <= 8 }

    /// Input class of each `WordBreakClass` raw value.
    static let inputClass: [Int] = [
        cOther, cOther, cOther, cOther,          // other, cr, lf, newline
        cAbsorbed, cAbsorbed, cOther, cAbsorbed, // extend, zwj, regionalIndicator, format
        cKatakana, cHebrew, cLetter, cSingleQuote, cDoubleQuote,
        cMidNumLet, cMidLetter, cMidNum, cNumeric, cExtendNumLet,
    ]

    /// `transitions[state << 5 | wordBreakClass.rawValue]`, `stop` where the rule cannot go on.
    /// Rows are written as (input class, next state) edges, then expanded to Word_Break classes.
    static let transitions: [UInt8] = {
        var table = [UInt8](repeating: stop, count: stateCount * classCount)
        func row(_ state: Int, _ edges: [(Int, Int)]) {
            for (input, next) in edges { table[state * classCount + input] = UInt8(next) }
        }
        // A new letter/number group may follow any complete group directly (WB5, WB9, WB10).
        let groupStarts = [(cLetter, afterLetter), (cHebrew, afterHebrew), (cNumeric, afterNumeric)]
        row(start, groupStarts + [(cExtendNumLet, leadingExtendNumLet), (cKatakana, afterKatakana)])
        row(leadingExtendNumLet, groupStarts + [(cAbsorbed, leadingExtendNumLet),
                                                (cExtendNumLet, leadingExtendNumLet), (cKatakana, afterKatakana)])
        let letterEdges = groupStarts + [(cAbsorbed, afterLetter), (cExtendNumLet, afterExtendNumLet),
                                         (cMidLetter, pendingMidLetter), (cMidNumLet, pendingMidLetter)]
        row(afterLetter, letterEdges + [(cSingleQuote, pendingMidLetter)])
        row(afterHebrew, letterEdges + [(cAbsorbed, afterHebrew), (cSingleQuote, afterHebrewQuote),
                                        (cDoubleQuote, pendingDoubleQuote)])
        row(afterNumeric, groupStarts + [(cAbsorbed, afterNumeric), (cExtendNumLet, afterExtendNumLet),
                                         (cMidNum, pendingMidNum), (cMidNumLet, pendingMidNum),
                                         (cSingleQuote, pendingMidNum)])
        // Katakana joins letters and numbers only through ExtendNumLet (WB13, WB13a/b).
        row(afterKatakana, [(cAbsorbed, afterKatakana), (cKatakana, afterKatakana),
                            (cExtendNumLet, afterExtendNumLet)])
        row(afterExtendNumLet, groupStarts + [(cAbsorbed, afterExtendNumLet),
                                              (cExtendNumLet, afterExtendNumLet), (cKatakana, afterKatakana)])
        // After Hebrew + quote the quote may also have been MidLetter (WB6/7): a letter continues.
        row(afterHebrewQuote, groupStarts + [(cAbsorbed, afterHebrewQuote), (cExtendNumLet, afterExtendNumLet)])
        row(afterHebrewDouble, groupStarts + [(cAbsorbed, afterHebrewDouble), (cExtendNumLet, afterExtendNumLet)])
        // A letter after MidLetter is bound to the letters before it, so it cannot begin WB7a.
        row(pendingMidLetter, [(cAbsorbed, pendingMidLetter), (cLetter, afterLetter), (cHebrew, afterLetter)])
        row(pendingMidNum, [(cAbsorbed, pendingMidNum), (cNumeric, afterNumeric)])
        row(pendingDoubleQuote, [(cAbsorbed, pendingDoubleQuote), (cHebrew, afterHebrewDouble)])
        var expanded = [UInt8](repeating: stop, count: stateCount << 5)
        for state in 0..<stateCount {
            for (wordBreak, input) in inputClass.enumerated() {
                expanded[state << 5 | wordBreak] = table[state * classCount + input]
            }
        }
        return expanded
    }()
}

/// One pass over a UTF-8 buffer.
struct TokenScanner {
    let text: UnsafeBufferPointer<UInt8>
    let bmp: UnsafeBufferPointer<UInt16>
    let wordTable: UnsafeBufferPointer<UInt8>
    let maxUnits = StandardTokenizer.maxTokenLength

    typealias Props = CharacterProperties

    @inline(__always)
    func scalar(at i: Int) -> (cp: UInt32, length: Int) {
        let (cp, length) = decodeScalar(text, at: i)
        return (cp, length)
    }

    @inline(__always)
    func props(_ cp: UInt32) -> UInt16 {
        cp < 0x10000 ? bmp[Int(cp)] : Props.supplementary(cp)
    }

    /// UTF-16 length of a scalar from its UTF-8 length.
    @inline(__always)
    func units(_ utf8Length: Int) -> Int { utf8Length == 4 ? 2 : 1 }

    @inline(__always)
    static func wordBreak(_ value: UInt16) -> WordBreakClass {
        WordBreakClass(rawValue: UInt8(value & Props.classMask)) ?? .other
    }

    @inline(__always)
    static func isKeycapBase(_ cp: UInt32) -> Bool {
        (cp >= 0x30 && cp <= 0x39) || cp == 0x23 || cp == 0x2A
    }

    func run(_ body: (Range<Int>) -> Void) {
        var pos = 0
        let count = text.count
        while pos < count {
            let byte = text[pos]
            // ASCII fast path: only letters, digits, '_', '#' and '*' can begin a token.
            if byte < 0x80 {
                let isAlnum = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || (byte >= 0x30 && byte <= 0x39)
                if !(isAlnum || byte == 0x5F || byte == 0x23 || byte == 0x2A) {
                    pos += 1
                    continue
                }
            }
            let end = longestMatch(from: pos)
            if end > pos {
                body(pos..<end)
                pos = end
            } else {
                pos += scalar(at: pos).length  // JFlex's catch-all rule: skip one code point
            }
        }
    }

    /// End of the longest token starting at `start`, or `start` when no token rule matches.
    func longestMatch(from start: Int) -> Int {
        let (cp, length) = scalar(at: start)
        let value = props(cp)
        var best = start
        switch Self.wordBreak(value) {
        case .extendNumLet, .aLetter, .hebrewLetter, .numeric, .katakana:
            best = matchWord(from: start)
        default:
            break
        }
        if value & (Props.emojiChar | Props.emojiModifierBase | Props.emojiModifier) != 0 {
            best = max(best, matchEmoji(from: start))
        } else if Self.isKeycapBase(cp) {
            // A keycap needs U+20E3 (or U+FE0F first), never ASCII: skip the common case cheaply.
            let next = start + length
            if next < text.count && text[next] >= 0x80 { best = max(best, matchEmoji(from: start)) }
        } else {
            switch Self.wordBreak(value) {
            case .zwj, .regionalIndicator: best = max(best, matchEmoji(from: start))
            default: break
            }
        }
        if value & Props.complexContext != 0 {
            best = max(best, matchRun(from: start, repeating: true))
        }
        if value & (Props.han | Props.hiragana) != 0 {
            best = max(best, matchRun(from: start, repeating: false))
        }
        return best
    }

    /// The ALPHANUM/NUM/KATAKANA/HANGUL rules, which the word automaton covers together.
    func matchWord(from start: Int) -> Int {
        var state = UInt8(WordAutomaton.start)
        var i = start, used = 0, accepted = start
        while i < text.count {
            let (cp, length) = scalar(at: i)
            let width = units(length)
            if used + width > maxUnits { break }
            let next = wordTable[Int(state) << 5 | Int(props(cp) & Props.classMask)]
            if next == WordAutomaton.stop { break }
            state = next
            i += length
            used += width
            if WordAutomaton.isAccepting(state) { accepted = i }
        }
        return accepted
    }

    /// Complex_Context runs (`repeating`), or one Han/hiragana character; both absorb
    /// trailing Extend/Format/ZWJ characters.
    func matchRun(from start: Int, repeating: Bool) -> Int {
        var i = start, used = 0
        var first = true
        while i < text.count {
            let (cp, length) = scalar(at: i)
            let width = units(length)
            if used + width > maxUnits { break }
            let value = props(cp)
            if !first {
                switch Self.wordBreak(value) {
                case .extend, .format, .zwj: break
                default:
                    if !(repeating && value & Props.complexContext != 0) { return i }
                }
            }
            first = false
            i += length
            used += width
        }
        return i
    }

    // Emoji automaton states (an NFA run on a bit set). Lucene's rule is
    //   Core ((ZWJ Core)* | TagSpec+ TagTerm) | KeyCapBase X* FE0F? KeyCap X* | RI ExtFmtZwj* RI ExtFmtZwj*
    // with Core = ZWJ* EmojiChar X* FE0F? | (ZWJ* ModifierBase X*)? Modifier X*,
    // X = Extend/Format/ZWJ other than the presentation selectors FE0E/FE0F.
    // The first Core (bits 0-5) may take a tag sequence; later ones (bits 6-11) may not.
    private static let coreStart: UInt32 = 1 << 0      // before a Core
    private static let coreZWJ: UInt32 = 1 << 1        // inside the Core's leading ZWJs
    private static let coreChar: UInt32 = 1 << 2       // after EmojiChar X*          (accepting)
    private static let coreSelector: UInt32 = 1 << 3   // after EmojiChar X* FE0F     (accepting)
    private static let coreBase: UInt32 = 1 << 4       // after ModifierBase X*
    private static let coreModifier: UInt32 = 1 << 5   // after Modifier X*           (accepting)
    private static let coreAccepting = coreChar | coreSelector | coreModifier
    private static let laterShift: UInt32 = 6
    private static let tagSpec: UInt32 = 1 << 12
    private static let tagTerm: UInt32 = 1 << 13       // (accepting)
    private static let keycapStart: UInt32 = 1 << 14
    private static let keycapBase: UInt32 = 1 << 15
    private static let keycapSelector: UInt32 = 1 << 16
    private static let keycapDone: UInt32 = 1 << 17    // (accepting)
    private static let flagStart: UInt32 = 1 << 18
    private static let flagOne: UInt32 = 1 << 19
    private static let flagTwo: UInt32 = 1 << 20       // (accepting)
    private static let accepting = coreAccepting | coreAccepting << laterShift | tagTerm | keycapDone | flagTwo

    func matchEmoji(from start: Int) -> Int {
        var states = Self.coreStart | Self.keycapStart | Self.flagStart
        var i = start, used = 0, accepted = start
        while i < text.count && states != 0 {
            let (cp, length) = scalar(at: i)
            let width = units(length)
            if used + width > maxUnits { break }
            states = Self.emojiStep(states, cp, props(cp))
            i += length
            used += width
            if states & Self.accepting != 0 { accepted = i }
        }
        return accepted
    }

    private static func emojiStep(_ states: UInt32, _ cp: UInt32, _ value: UInt16) -> UInt32 {
        let wb = wordBreak(value)
        let isZWJ = wb == .zwj
        let isExtFmtZwj = wb == .extend || wb == .format || isZWJ
        let isSelector = cp == 0xFE0F
        let isX = isExtFmtZwj && cp != 0xFE0E && !isSelector
        let isChar = value & Props.emojiChar != 0
        let isBase = value & Props.emojiModifierBase != 0
        let isModifier = value & Props.emojiModifier != 0
        let isTagSpec = cp >= 0xE0020 && cp <= 0xE007E

        func core(_ s: UInt32) -> (next: UInt32, separator: Bool, tag: Bool) {
            var next: UInt32 = 0
            var separator = false, tag = false
            if s & (coreStart | coreZWJ) != 0 {
                if isZWJ { next |= coreZWJ }
                if isChar { next |= coreChar }
                if isBase { next |= coreBase }
                if isModifier && s & coreStart != 0 { next |= coreModifier }
            }
            if s & coreChar != 0 {
                if isX { next |= coreChar }
                if isSelector { next |= coreSelector }
            }
            if s & coreBase != 0 {
                if isX { next |= coreBase }
                if isModifier { next |= coreModifier }
            }
            if s & coreModifier != 0 && isX { next |= coreModifier }
            if s & coreAccepting != 0 {
                separator = isZWJ
                tag = isTagSpec
            }
            return (next, separator, tag)
        }

        let first = core(states & 0x3F)
        let later = core(states >> laterShift & 0x3F)
        var next = first.next | later.next << laterShift
        if first.separator || later.separator { next |= coreStart << laterShift }
        if first.tag || (states & tagSpec != 0 && isTagSpec) { next |= tagSpec }
        if states & tagSpec != 0 && cp == 0xE007F { next |= tagTerm }

        let isKeycap = cp == 0x20E3
        if states & keycapStart != 0 && isKeycapBase(cp) { next |= keycapBase }
        if states & keycapBase != 0 {
            if isX { next |= keycapBase }
            if isSelector { next |= keycapSelector }
        }
        if states & (keycapBase | keycapSelector) != 0 && isKeycap { next |= keycapDone }
        if states & keycapDone != 0 && isX { next |= keycapDone }

        let isFlag = wb == .regionalIndicator
        if states & flagStart != 0 && isFlag { next |= flagOne }
        if states & flagOne != 0 {
            if isExtFmtZwj { next |= flagOne }
            if isFlag { next |= flagTwo }
        }
        if states & flagTwo != 0 && isExtFmtZwj { next |= flagTwo }
        return next
    }
}
