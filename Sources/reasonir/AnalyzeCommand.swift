import ArgumentParser
import Foundation
import ReasonIR

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Print the BM25 terms of texts (Lucene's English analyzer, as BRIGHT and Anserini use it).",
        discussion: """
            Each text gives one line of space-separated terms, or a JSON array of arrays with --json.
            With --input, each line of the file is one text. --hex reads and writes hex-encoded UTF-8 \
            (one text per line in, one line of hex terms out), for exact comparisons with Lucene.
            """
    )

    @Argument(help: "Texts to analyze.")
    var texts: [String] = []

    @Option(help: "A file with one text per line.")
    var input: String?

    @Flag(help: "Raw StandardTokenizer tokens: no possessive, lowercase, stop-word or stemming filters.")
    var tokenizeOnly = false

    @Flag(help: "Hex-encoded UTF-8 in (with --input) and out.")
    var hex = false

    @Flag(help: "Print a JSON array of token arrays.")
    var json = false

    func run() throws {
        var inputs = texts
        if let input {
            var lines = try LineReader(url: URL(fileURLWithPath: input)).makeIterator()
            while let line = try lines.nextLine() {
                if hex {
                    inputs.append(String(decoding: Self.bytes(fromHex: line.bytes), as: UTF8.self))
                } else {
                    guard let text = line.string else { throw FileError.invalidUTF8(path: input, line: line.number) }
                    inputs.append(text)
                }
            }
        }
        let analyzer = EnglishAnalyzer()
        let tokenizer = StandardTokenizer()
        let results = inputs.map { tokenizeOnly ? tokenizer.tokenize($0) : analyzer.analyze($0) }
        if json {
            let data = try JSONSerialization.data(withJSONObject: results, options: [.withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for tokens in results {
                print(hex ? tokens.map(Self.hex).joined(separator: " ") : tokens.joined(separator: " "))
            }
        }
    }

    private static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(fromHex digits: ArraySlice<UInt8>) -> [UInt8] {
        func value(_ digit: UInt8) -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: return 0
            }
        }
        var result: [UInt8] = []
        var index = digits.startIndex
        while index + 1 < digits.endIndex {
            result.append(value(digits[index]) << 4 | value(digits[index + 1]))
            index += 2
        }
        return result
    }
}
