/// The original Porter (1980) stemmer, step for step as Lucene's `PorterStemmer` implements it
/// (Martin Porter's reference version: `-bli → -ble`, `-logi → -log`, words of one or two characters
/// left alone). Works in place on a buffer of UTF-16 code units or ASCII bytes; any unit that is
/// not a, e, i, o, u or y counts as a consonant, as in Lucene.
public struct PorterStemmer: Sendable {
    public init() {}

    /// The stem of `word`, which should already be lowercase.
    public func stem(_ word: String) -> String {
        var units = Array(word.utf16)
        let count = units.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return Self.stem(base, count: buffer.count)
        }
        return String(decoding: units[..<count], as: UTF16.self)
    }

    /// Stems ASCII bytes `buffer[0..<count]` in place and returns the new length (never longer).
    static func stem(_ buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        stemUnits(buffer, count: count)
    }

    /// Stems UTF-16 units `buffer[0..<count]` in place and returns the new length (never longer).
    static func stem(_ buffer: UnsafeMutablePointer<UInt16>, count: Int) -> Int {
        stemUnits(buffer, count: count)
    }

    // Concrete entry points above keep this generic code specialised even without whole-module optimisation.
    private static func stemUnits<Unit: FixedWidthInteger & UnsignedInteger>(
        _ buffer: UnsafeMutablePointer<Unit>, count: Int
    ) -> Int {
        var core = PorterCore(b: buffer, k: count - 1)
        if core.k > 1 {
            core.step1()
            core.step2()
            core.step3()
            core.step4()
            core.step5()
            core.step6()
        }
        return core.k + 1
    }
}

/// State of one stemming run: `b[0...k]` is the current word, `j` the end of the stem
/// that the last successful `ends` left.
struct PorterCore<Unit: FixedWidthInteger & UnsignedInteger> {
    let b: UnsafeMutablePointer<Unit>
    var k: Int
    var j = 0

    init(b: UnsafeMutablePointer<Unit>, k: Int) {
        self.b = b
        self.k = k
    }

    @inline(__always)
    func unit(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: b[i]) }

    func isConsonant(_ i: Int) -> Bool {
        switch unit(i) {
        case 0x61, 0x65, 0x69, 0x6F, 0x75: return false  // a e i o u
        case 0x79: return i == 0 ? true : !isConsonant(i - 1)  // y after a consonant is a vowel
        default: return true
        }
    }

    /// Number of vowel-consonant sequences in `b[0...j]`.
    func measure() -> Int {
        var n = 0
        var i = 0
        while true {
            if i > j { return n }
            if !isConsonant(i) { break }
            i += 1
        }
        i += 1
        while true {
            while true {
                if i > j { return n }
                if isConsonant(i) { break }
                i += 1
            }
            i += 1
            n += 1
            while true {
                if i > j { return n }
                if !isConsonant(i) { break }
                i += 1
            }
            i += 1
        }
    }

    func vowelInStem() -> Bool {
        var i = 0
        while i <= j {
            if !isConsonant(i) { return true }
            i += 1
        }
        return false
    }

    /// `b[i-1...i]` is a double consonant.
    func doubleConsonant(_ i: Int) -> Bool {
        i >= 1 && b[i] == b[i - 1] && isConsonant(i)
    }

    /// `b[i-2...i]` is consonant-vowel-consonant and the last one is not w, x or y.
    func cvc(_ i: Int) -> Bool {
        if i < 2 || !isConsonant(i) || isConsonant(i - 1) || !isConsonant(i - 2) { return false }
        let c = unit(i)
        return c != 0x77 && c != 0x78 && c != 0x79
    }

    /// Whether the word ends with `suffix`; if so, `j` marks the end of the rest.
    mutating func ends(_ suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        let offset = k - length + 1
        if offset < 0 { return false }
        let s = suffix.utf8Start
        for n in 0..<length where b[offset + n] != Unit(s[n]) { return false }
        j = k - length
        return true
    }

    /// Replaces `b[j+1...k]` with `replacement`.
    mutating func setTo(_ replacement: StaticString) {
        let length = replacement.utf8CodeUnitCount
        let s = replacement.utf8Start
        for n in 0..<length { b[j + 1 + n] = Unit(s[n]) }
        k = j + length
    }

    /// `setTo` when the stem has a measure above zero.
    mutating func replace(_ replacement: StaticString) {
        if measure() > 0 { setTo(replacement) }
    }

    /// Plurals and -ed/-ing (Porter step 1a/1b).
    mutating func step1() {
        if unit(k) == 0x73 {  // s
            if ends("sses") {
                k -= 2
            } else if ends("ies") {
                setTo("i")
            } else if unit(k - 1) != 0x73 {
                k -= 1
            }
        }
        if ends("eed") {
            if measure() > 0 { k -= 1 }
        } else if (ends("ed") || ends("ing")) && vowelInStem() {
            k = j
            if ends("at") {
                setTo("ate")
            } else if ends("bl") {
                setTo("ble")
            } else if ends("iz") {
                setTo("ize")
            } else if doubleConsonant(k) {
                k -= 1
                let c = unit(k)
                if c == 0x6C || c == 0x73 || c == 0x7A { k += 1 }  // keep -ll, -ss, -zz
            } else if measure() == 1 && cvc(k) {
                setTo("e")
            }
        }
    }

    /// Terminal y → i when there is another vowel in the stem (step 1c).
    mutating func step2() {
        if ends("y") && vowelInStem() { b[k] = Unit(0x69) }
    }

    /// Double suffixes to single ones (Porter step 2). Only the first suffix that matches is tried.
    mutating func step3() {
        if k == 0 { return }
        switch unit(k - 1) {
        case 0x61:  // a
            if ends("ational") { replace("ate") } else if ends("tional") { replace("tion") }
        case 0x63:  // c
            if ends("enci") { replace("ence") } else if ends("anci") { replace("ance") }
        case 0x65:  // e
            if ends("izer") { replace("ize") }
        case 0x6C:  // l
            if ends("bli") { replace("ble") }
            else if ends("alli") { replace("al") }
            else if ends("entli") { replace("ent") }
            else if ends("eli") { replace("e") }
            else if ends("ousli") { replace("ous") }
        case 0x6F:  // o
            if ends("ization") { replace("ize") }
            else if ends("ation") { replace("ate") }
            else if ends("ator") { replace("ate") }
        case 0x73:  // s
            if ends("alism") { replace("al") }
            else if ends("iveness") { replace("ive") }
            else if ends("fulness") { replace("ful") }
            else if ends("ousness") { replace("ous") }
        case 0x74:  // t
            if ends("aliti") { replace("al") }
            else if ends("iviti") { replace("ive") }
            else if ends("biliti") { replace("ble") }
        case 0x67:  // g
            if ends("logi") { replace("log") }
        default:
            break
        }
    }

    /// -ic-, -full, -ness etc. (Porter step 3).
    mutating func step4() {
        switch unit(k) {
        case 0x65:  // e
            if ends("icate") { replace("ic") }
            else if ends("ative") { replace("") }
            else if ends("alize") { replace("al") }
        case 0x69:  // i
            if ends("iciti") { replace("ic") }
        case 0x6C:  // l
            if ends("ical") { replace("ic") } else if ends("ful") { replace("") }
        case 0x73:  // s
            if ends("ness") { replace("") }
        default:
            break
        }
    }

    /// Drops -ant, -ence etc. when the measure of the rest is above one (Porter step 4).
    mutating func step5() {
        if k == 0 { return }
        let found: Bool
        switch unit(k - 1) {
        case 0x61: found = ends("al")
        case 0x63: found = ends("ance") || ends("ence")
        case 0x65: found = ends("er")
        case 0x69: found = ends("ic")
        case 0x6C: found = ends("able") || ends("ible")
        case 0x6E: found = ends("ant") || ends("ement") || ends("ment") || ends("ent")
        case 0x6F:
            if ends("ion") && j >= 0 && (unit(j) == 0x73 || unit(j) == 0x74) {
                found = true
            } else {
                found = ends("ou")
            }
        case 0x73: found = ends("ism")
        case 0x74: found = ends("ate") || ends("iti")
        case 0x75: found = ends("ous")
        case 0x76: found = ends("ive")
        case 0x7A: found = ends("ize")
        default: found = false
        }
        if found && measure() > 1 { k = j }
    }

    /// Final -e and -ll (Porter step 5). `j` stays at the original end for both measures.
    mutating func step6() {
        j = k
        if unit(k) == 0x65 {
            let m = measure()
            if m > 1 || (m == 1 && !cvc(k - 1)) { k -= 1 }
        }
        if unit(k) == 0x6C && doubleConsonant(k) && measure() > 1 { k -= 1 }
    }
}
