import Foundation
import Testing
@testable import Tokenizers

/// BertNormalizer, step by step, as `tokenizers`' normalizers/bert.rs defines it.
struct BertNormalizerTests {
    let bert = BertNormalizer()  // clean_text, handle_chinese_chars, strip_accents null, lowercase

    @Test func cleanTextDropsControlsAndMapsWhitespace() {
        // NUL, U+FFFD, Cc (BEL, ESC, DEL, NEL), Cf (ZWSP, ZWJ, soft hyphen, BOM) disappear.
        #expect(bert.normalize("a\u{0}b\u{FFFD}c\u{7}d\u{1B}e\u{7F}f\u{85}g") == "abcdefg")
        #expect(bert.normalize("zero\u{200B}width\u{200D}x\u{AD}y\u{FEFF}z") == "zerowidthxyz")
        // Private use (Co) goes too.
        #expect(bert.normalize("a\u{E000}b\u{F0000}c") == "abc")
        // Tab, newline, CR and Unicode spaces become one space each.
        #expect(bert.normalize("a\tb\nc\r\nd\u{A0}e\u{3000}f\u{2009}g\u{2028}h") == "a b c  d e f g h")
        // Vertical tab and form feed are Cc: removed, not spaces.
        #expect(bert.normalize("a\u{B}b\u{C}c") == "abc")
        // Without clean_text they stay.
        let raw = BertNormalizer(cleanText: false, lowercase: false)
        #expect(raw.normalize("a\u{0}b\tc") == "a\u{0}b\tc")
    }

    @Test func usesTheReferencesUnicode8Tables() {
        // U+08E2 became Cf in Unicode 9; the reference's tables predate it, so it is kept.
        #expect(bert.normalize("a\u{08E2}b") == "a\u{08E2}b")
        // U+1DF6 (a nonspacing mark since Unicode 10) is not stripped by the reference either.
        #expect(bert.normalize("e\u{1DF6}") == "e\u{1DF6}")
        // Old nonspacing marks are stripped.
        #expect(bert.normalize("e\u{0301}\u{0323}") == "e")
    }

    @Test func chineseCharactersGetSpaces() {
        #expect(bert.normalize("ab中c") == "ab 中 c")
        #expect(bert.normalize("北京") == " 北  京 ")
        // Range ends exactly as the reference writes them: U+2B81F is in, U+2B820 is not.
        #expect(bert.normalize("\u{2B81F}") == " \u{2B81F} ")
        #expect(bert.normalize("\u{2B820}") == "\u{2B820}")
        // Kana and Hangul are not "Chinese".
        #expect(bert.normalize("カナ") == "カナ")
        // A compatibility ideograph is spaced, then NFD maps it to the unified one.
        #expect(bert.normalize("\u{F900}") == " \u{8C48} ")
        #expect(BertNormalizer(handleChineseChars: false).normalize("ab中c") == "ab中c")
    }

    @Test func stripAccentsFollowsLowercaseWhenNull() {
        #expect(bert.normalize("Café Ångström") == "cafe angstrom")
        #expect(BertNormalizer(stripAccents: false, lowercase: true).normalize("Café") == "café")
        #expect(BertNormalizer(stripAccents: true, lowercase: false).normalize("Café") == "Cafe")
        #expect(BertNormalizer(stripAccents: nil, lowercase: false).normalize("Café") == "Café")
        // Hangul syllables decompose into jamo.
        #expect(bert.normalize("한") == "\u{1112}\u{1161}\u{11AB}")
        // Letters without a decomposition keep their base: ø, ł, ß.
        #expect(bert.normalize("Øł ß") == "øł ß")
    }

    @Test func lowercaseIsPerCharacterAndFull() {
        let lower = BertNormalizer(stripAccents: false, lowercase: true)
        // İ lowercases to i + U+0307 (then accent stripping, when on, removes the dot: it runs first).
        #expect(lower.normalize("İ") == "i\u{307}")
        #expect(bert.normalize("İstanbul") == "istanbul")
        // No final-sigma context: every Σ becomes σ.
        #expect(lower.normalize("ΟΔΟΣ") == "οδοσ")
        #expect(bert.normalize("MiXeD") == "mixed")
    }

    @Test func emptyAndWhitespace() {
        #expect(bert.normalize("") == "")
        #expect(bert.normalize(" \t\n") == "   ")
    }
}

struct BertPreTokenizerTests {
    let pre = BertPreTokenizer()

    @Test func whitespaceAndPunctuation() {
        #expect(pre.split("Hey friend!     How are you?!?") == ["Hey", "friend", "!", "How", "are", "you", "?", "!", "?"])
        #expect(pre.split("") == [])
        #expect(pre.split("   ") == [])
        // All ASCII punctuation ranges count, symbols included ($ + < = > ^ ` | ~).
        #expect(pre.split("$1+2<3=4>5^6`7|8~9") == ["$", "1", "+", "2", "<", "3", "=", "4", ">", "5", "^", "6", "`", "7", "|", "8", "~", "9"])
        // Unicode P* splits; Unicode symbols (Sc, Sm) do not.
        #expect(pre.split("a–b«c»d…") == ["a", "–", "b", "«", "c", "»", "d", "…"])
        #expect(pre.split("5€ ±2") == ["5€", "±2"])
        // U+2E43 is punctuation only since Unicode 9: the reference does not split there.
        #expect(pre.split("a\u{2E43}b") == ["a\u{2E43}b"])
        // Other Unicode whitespace splits too.
        #expect(pre.split("a\u{3000}b\u{85}c") == ["a", "b", "c"])
    }
}

/// Accent stripping must equal NFD of the whole text (Foundation's, with canonical reordering)
/// followed by dropping the reference's Mn characters.
struct CanonicalDecompositionTests {
    static func reference(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for s in text.decomposedStringWithCanonicalMapping.unicodeScalars where !CharacterClasses.isNonspacingMark(s.value) {
            view.append(s)
        }
        return String(view)
    }

    @Test func everyScalarAlone() {
        let strip = BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false)
        var differences: [String] = []
        for c in UInt32(0x80)...0x2FFFF {
            guard let scalar = Unicode.Scalar(c) else { continue }
            let text = "a" + String(Character(scalar)) + "b"
            if strip.normalize(text) != Self.reference(text) { differences.append(String(c, radix: 16)) }
        }
        #expect(differences.isEmpty, "\(differences.count) scalars differ, e.g. \(differences.prefix(10))")
    }

    @Test func reorderingOfMarksThatAreKept() {
        // Marks with a combining class that the reference's (Unicode 8.0) Mn table lacks survive
        // stripping, so their canonical order shows.
        let strip = BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false)
        let marks: [UInt32] = [0x1DF6, 0x1DF7, 0x1DF8, 0x0301, 0x0323, 0x0F39, 0x1D165, 0x1D16D, 0x302A, 0x0345]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<500 {
            var view = String.UnicodeScalarView()
            for _ in 0..<(1 + next(8)) {
                if next(3) == 0 { view.append(Unicode.Scalar(UInt32(0x61 + next(3)))!) }
                view.append(Unicode.Scalar(marks[next(marks.count)])!)
                if next(5) == 0 { view.append("\u{1E09}") }  // ḉ: decomposes to c + cedilla + acute
            }
            let text = String(view)
            #expect(strip.normalize(text) == Self.reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
