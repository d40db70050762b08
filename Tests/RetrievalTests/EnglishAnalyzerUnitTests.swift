import Testing
@testable import Retrieval

/// Expected values below were produced by Lucene 9.9 (Anserini 1.7.1, the jar in pyserini 1.6.0).
@Suite struct EnglishAnalyzerPorterTests {
    static let classicExamples: [(String, String)] = [
        ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"), ("cats", "cat"),
        ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"),
        ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"),
        ("sized", "size"), ("hopping", "hop"), ("tanned", "tan"), ("falling", "fall"), ("hissing", "hiss"),
        ("fizzed", "fizz"), ("failing", "fail"), ("filing", "file"), ("happy", "happi"), ("sky", "sky"),
        ("relational", "relat"), ("conditional", "condit"), ("rational", "ration"), ("valenci", "valenc"),
        ("hesitanci", "hesit"), ("digitizer", "digit"), ("conformabli", "conform"), ("radicalli", "radic"),
        ("differentli", "differ"), ("vileli", "vile"), ("analogousli", "analog"),
        ("vietnamization", "vietnam"), ("predication", "predic"), ("operator", "oper"),
        ("feudalism", "feudal"), ("decisiveness", "decis"), ("hopefulness", "hope"),
        ("callousness", "callous"), ("formaliti", "formal"), ("sensitiviti", "sensit"),
        ("sensibiliti", "sensibl"), ("archaeology", "archaeolog"), ("triplicate", "triplic"),
        ("formative", "form"), ("formalize", "formal"), ("electriciti", "electr"), ("electrical", "electr"),
        ("hopeful", "hope"), ("goodness", "good"), ("revival", "reviv"), ("allowance", "allow"),
        ("inference", "infer"), ("airliner", "airlin"), ("gyroscopic", "gyroscop"),
        ("adjustable", "adjust"), ("defensible", "defens"), ("irritant", "irrit"),
        ("replacement", "replac"), ("adjustment", "adjust"), ("dependent", "depend"),
        ("adoption", "adopt"), ("homologou", "homolog"), ("communism", "commun"), ("activate", "activ"),
        ("angulariti", "angular"), ("homologous", "homolog"), ("effective", "effect"),
        ("bowdlerize", "bowdler"), ("probate", "probat"), ("rate", "rate"), ("cease", "ceas"),
        ("controll", "control"), ("roll", "roll"), ("generalization", "gener"),
        ("generalizations", "gener"), ("oscillators", "oscil"), ("yearly", "yearli"),
    ]

    @Test(arguments: classicExamples)
    func classicExample(word: String, stem: String) {
        #expect(PorterStemmer().stem(word) == stem)
    }

    @Test func shortWordsAreLeftAlone() {
        // Lucene only stems words of three or more UTF-16 units.
        #expect(PorterStemmer().stem("ys") == "ys")
        #expect(PorterStemmer().stem("is") == "is")
        #expect(PorterStemmer().stem("") == "")
    }

    @Test func nonLettersAreConsonants() {
        // "i.e": '.' is a consonant, so the measure is 1 and the final e goes.
        #expect(PorterStemmer().stem("i.e") == "i.")
        #expect(PorterStemmer().stem("node.js") == "node.j")
        // é is one UTF-16 unit and a consonant: "naïve" → "naïv".
        #expect(PorterStemmer().stem("naïve") == "naïv")
    }
}

@Suite struct EnglishAnalyzerTokenizerTests {
    func tokens(_ text: String) -> [String] { StandardTokenizer().tokenize(text) }

    @Test func lettersJoinAcrossMidLetterOnlyBetweenLetters() {
        #expect(tokens("John's book") == ["John's", "book"])
        #expect(tokens("i.e. U.S.A.") == ["i.e", "U.S.A"])  // trailing MidNumLet is not kept
        #expect(tokens("x:y x;y 1;2 1:2") == ["x:y", "x", "y", "1;2", "1", "2"])  // ':' MidLetter, ';' MidNum
        #expect(tokens("don't it\u{2019}s") == ["don't", "it\u{2019}s"])
    }

    @Test func numbers() {
        #expect(tokens("1,000,000 3.14 2.0.1") == ["1,000,000", "3.14", "2.0.1"])
        #expect(tokens("2021-03-04") == ["2021", "03", "04"])
        #expect(tokens("a.1 a1.2 1a.b") == ["a", "1", "a1.2", "1a.b"])
        #expect(tokens("\u{FF11}\u{FF12}\u{FF13} \u{FF21}\u{FF22}\u{FF23}") == ["１２３", "ＡＢＣ"])
    }

    @Test func extendNumLetJoinsEverything() {
        #expect(tokens("snake_case _lead trail_ ___") == ["snake_case", "_lead", "trail_"])
        #expect(tokens("\u{30A2}_b \u{30A2}b") == ["ア_b", "ア", "b"])  // katakana meets letters only via '_'
    }

    @Test func hebrewQuotes() {
        #expect(tokens("\u{5E9}\u{5C1}\"\u{5E9} \u{5D1}' \u{5D1}\"'") == ["שׁ\"ש", "ב'", "ב"])
        #expect(tokens("\u{5D0}\u{5D1}'\u{5D2}") == ["אב'ג"])
    }

    @Test func eastAsianScripts() {
        #expect(tokens("テキスト処理") == ["テキスト", "処", "理"])
        #expect(tokens("ｶﾀｶﾅ") == ["ｶﾀｶﾅ"])
        #expect(tokens("ひらがな") == ["ひ", "ら", "が", "な"])
        #expect(tokens("한국어 텍스트") == ["한국어", "텍스트"])
        #expect(tokens("ภาษาไทย ok") == ["ภาษาไทย", "ok"])
    }

    @Test func emojiSequences() {
        let text = "👍🏽 👨\u{200D}👩\u{200D}👧 🇺🇸🇫🇷 1\u{FE0F}\u{20E3} #\u{20E3} ❤\u{FE0F} "
            + "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} 🍕🍕 ©2020 ™"
        #expect(tokens(text) == [
            "👍🏽", "👨\u{200D}👩\u{200D}👧", "🇺🇸", "🇫🇷", "1\u{FE0F}\u{20E3}", "#\u{20E3}", "❤\u{FE0F}",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "🍕", "🍕", "©", "2020", "™",
        ])
    }

    @Test func formatAndExtendCharacters() {
        // Combining marks, soft hyphen and ZWJ stay inside a word; ZWSP and NBSP split.
        #expect(tokens("cafe\u{301} a\u{AD}b x\u{200D}y zero\u{200B}width non\u{A0}breaking")
                == ["cafe\u{301}", "a\u{AD}b", "x\u{200D}y", "zero", "width", "non", "breaking"])
        #expect(tokens("C++ C# .NET !!! ???") == ["C", "C", "NET"])
    }

    @Test func longRunsAreCutAt255UTF16Units() {
        let long = String(repeating: "a", count: 300)
        #expect(tokens(long).map(\.count) == [255, 45])
        // A surrogate pair that would straddle the limit starts the next piece.
        let astral = String(repeating: "a", count: 254) + "𝐀𝐀"
        #expect(tokens(astral).map { $0.utf16.count } == [254, 4])
    }
}

@Suite struct EnglishAnalyzerFilterTests {
    let analyzer = EnglishAnalyzer()

    @Test func possessiveBeforeLowercaseAndStopWords() {
        #expect(analyzer.analyze("John's JOHN'S James' students'") == ["john", "john", "jame", "student"])
        #expect(analyzer.analyze("it\u{2019}s IT'S it\u{FF07}s") == [])  // "it" is a stop word
        #expect(analyzer.analyze("isn't O'Neill") == ["isn't", "o'neil"])
    }

    @Test func stopWords() {
        #expect(analyzer.analyze(EnglishStopWords.words.joined(separator: " ")) == [])
        #expect(analyzer.analyze("The THE i I") == ["i", "i"])
        #expect(EnglishStopWords.words.count == 33)
    }

    @Test func lowercaseIsJavaSimpleMapping() {
        // U+0130 lowercases to plain i (then "is" is a stop word); Kelvin sign to k.
        #expect(analyzer.analyze("\u{130}S \u{212A}ELVIN ÅNGSTRÖM ΣΊΣΥΦΟΣ") == ["kelvin", "ångström", "σίσυφοσ"])
    }

    @Test func emptyAndPunctuation() {
        #expect(analyzer.analyze("") == [])
        #expect(analyzer.analyze(" \t\n ") == [])
        #expect(analyzer.analyze("!!! ??? ... ---") == [])
    }

    @Test func analyzerProtocolConformance() {
        let any: any Analyzer = EnglishAnalyzer()
        #expect(any.analyze("Running runs") == ["run", "run"])
        var terms: [String] = []
        EnglishAnalyzer().forEachTerm(in: "connections connected") { terms.append($0) }
        #expect(terms == ["connect", "connect"])
    }
}
