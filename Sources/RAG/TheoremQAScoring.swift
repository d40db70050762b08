import Foundation

/// A TheoremQA answer type (`metadata.answer_type`).
public enum TheoremQAAnswerType: String, Sendable, CaseIterable, Codable {
    case integer, float, bool, option
    case listOfInteger = "list of integer"
    case listOfFloat = "list of float"
}

/// A question's gold answer as TheoremQA's JSON holds it: ints and floats stay distinct, because
/// the scorer rounds for an int and allows 4% for a float.
public enum TheoremQAAnswer: Sendable, Equatable {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case list([TheoremQAAnswer])
}

/// TheoremQA's own scoring (`zero_shot_eval/predict_accuracy.py`: `normalize`, `compare_two_numbers`,
/// `compare_two_list`, and the answer-type dispatch of its main loop), reproduced rule for rule.
///
/// Their fallbacks for text that `eval` rejects ask ChatGPT and then Wolfram|Alpha; offline those are
/// unavailable, so (as their code does when both give nothing) we fall through to
/// `find_numbers_in_string`. The parity script stubs the two services the same way.
public enum TheoremQAScorer {
    /// True when `prediction` (the extracted answer text, or nil when none was found) is right.
    public static func isCorrect(prediction: String?, answer: TheoremQAAnswer, type: TheoremQAAnswerType) -> Bool {
        guard let value = normalize(prediction) else { return false }
        switch type {
        case .bool, .option: return pyEquals(value, answer)
        case .integer, .float: return compareNumbers(value, answer)
        case .listOfInteger, .listOfFloat: return compareLists(value, answer)
        }
    }

    /// `normalize(prediction)`; nil where their code raises (so the question counts as wrong).
    public static func normalize(_ input: String?) -> PythonValue? {
        var p = input ?? "0"
        if p.contains("=") { p = String(p.split(separator: "=", omittingEmptySubsequences: false).last!).pyStrip() }
        if p.contains("≈") { p = String(p.components(separatedBy: "≈").last!).pyStrip() }
        p = p.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "$", with: "").replacingOccurrences(of: "°", with: "")
        if ["true", "yes", "false", "no"].contains(p) { p = (p == "true" || p == "yes") ? "True" : "False" }
        if p.contains("True") || p.contains("False") { p = p.contains("True") ? "True" : "False" }
        if p.contains("approximately") { p = p.replacingOccurrences(of: "approximately", with: "").pyStrip() }
        if p.contains(" or ") { p = p.components(separatedBy: " or ")[0] }

        // Units before and after the number (their four regular expressions, in order).
        let num = #"[-+]?(?:[\d,]*\.*\d+)"#
        if let g = firstGroup(#"^(\#(num)) [^0-9 ]+\#(end)"#, p) { p = g }
        if let g = firstGroup(#"^[^0-9 ]+ (\#(num))\#(end)"#, p) { p = g }
        if let g = firstGroup(#"^(\#(num))[^\d]{1,2}\#(end)"#, p) { p = g }
        if let g = firstGroup(#"^[^-+\d]{1,2}((?:[\d,]*\.*\d+))\#(end)"#, p) { p = g }

        if p.contains("10^") { p = replace(#"10\^(-?\d+)"#, in: p, with: "math.pow(10, $1)") }
        p = p.replacingOccurrences(of: " x ", with: "*").replacingOccurrences(of: " × ", with: "*")
        if matches(#"^[-+]?(\d{1,3}(,\d{3})*|(\d+))(\.\d+)?\#(end)"#, p) { p = p.replacingOccurrences(of: ",", with: "") }
        if ["(a)", "(b)", "(c)", "(d)"].contains(where: { p.contains($0) }), let option = firstMatch(#"\([a-d]\)"#, p) {
            p = "\"" + option + "\""
        }
        if p.isEmpty { p = "0" }

        var value: PythonValue
        if let v = try? PythonExpression.evaluate(p) {
            value = v
        } else {
            guard let found = findNumbers(p) else { return nil }
            value = found
        }
        // Their "common type conversion": tuples and sets are lists already here.
        return value
    }

    /// `find_numbers_in_string`: nil where `float()` raises on a match such as "1..2".
    static func findNumbers(_ s: String) -> PythonValue? {
        let found = allMatches(#"[-+]?(?:\d*\.*\d+)"#, s)
        var numbers: [Double] = []
        for text in found {
            guard let d = pythonFloat(text) else { return nil }
            numbers.append(d)
        }
        if numbers.isEmpty { return .int(0) }
        if numbers.count == 1 { return .float(numbers[0]) }
        return .list(numbers.map { .float($0) })
    }

    /// Python's `float(text)` for the digit strings `find_numbers_in_string` matches.
    static func pythonFloat(_ text: String) -> Double? {
        guard text.filter({ $0 == "." }).count <= 1 else { return nil }
        var t = text
        if t.hasPrefix("+") || t.hasPrefix("-") {
            let sign = t.removeFirst()
            if t.hasPrefix(".") { t = "0" + t }
            t = String(sign) + t
        } else if t.hasPrefix(".") { t = "0" + t }
        return Double(t)
    }

    /// `prediction == gt` for `bool` and `option` answers (Python equality: `1 == True`).
    static func pyEquals(_ p: PythonValue, _ gt: TheoremQAAnswer) -> Bool {
        switch gt {
        case .bool(let b): return p.number.map { $0 == (b ? 1 : 0) } ?? false
        case .int(let i): return p.number.map { $0 == Double(i) } ?? false
        case .float(let d): return p.number.map { $0 == d } ?? false
        case .string(let s): if case .string(let x) = p { return x == s } else { return false }
        case .list(let items):
            guard case .list(let xs) = p, xs.count == items.count else { return false }
            return zip(xs, items).allSatisfy { pyEquals($0, $1) }
        }
    }

    /// `compare_two_numbers(p, gt)`: 4% relative tolerance for a float answer, `round(p) == gt` otherwise.
    static func compareNumbers(_ p: PythonValue, _ gt: TheoremQAAnswer) -> Bool {
        guard let x = p.number else { return false }  // lists, strings: False
        switch gt {
        case .float(let g):
            let eps = abs(g) * 0.04
            return x >= g - eps && x <= g + eps
        case .int(let g):
            // Python's round() on a float rounds half to even; NaN and infinity raise.
            guard x.isFinite else { return false }
            return x.rounded(.toNearestOrEven) == Double(g)
        case .bool(let b):
            guard x.isFinite else { return false }
            return x.rounded(.toNearestOrEven) == (b ? 1 : 0)
        default: return false
        }
    }

    /// `compare_two_list(pred, gt)`: same length, all numbers, compared element by element after sorting.
    static func compareLists(_ p: PythonValue, _ gt: TheoremQAAnswer) -> Bool {
        guard case .list(let xs) = p, case .list(let gs) = gt, xs.count == gs.count else { return false }
        let numbers = xs.compactMap(\.number)
        guard numbers.count == xs.count else { return false }
        // Sorting as Python does: by value (NaN makes Python's order arbitrary; treat as wrong).
        guard !numbers.contains(where: \.isNaN) else { return false }
        let pairs = xs.enumerated().sorted { (a, b) in a.element.number! < b.element.number! }.map(\.element)
        let golds = gs.sorted { (a, b) in (goldNumber(a) ?? 0) < (goldNumber(b) ?? 0) }
        return zip(pairs, golds).allSatisfy { compareNumbers($0, $1) }
    }

    static func goldNumber(_ a: TheoremQAAnswer) -> Double? {
        switch a { case .int(let i): return Double(i); case .float(let d): return d; case .bool(let b): return b ? 1 : 0; default: return nil }
    }

    // Python's `$` also matches before one final newline.
    static let end = #"(?=\n?\z)"#

    static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern)
    }
    static func matches(_ pattern: String, _ s: String) -> Bool {
        regex(pattern).firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
    static func firstGroup(_ pattern: String, _ s: String) -> String? {
        guard let m = regex(pattern).firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
              let r = Range(m.range(at: 1), in: s) else { return nil }
        return String(s[r])
    }
    static func firstMatch(_ pattern: String, _ s: String) -> String? {
        guard let m = regex(pattern).firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
              let r = Range(m.range, in: s) else { return nil }
        return String(s[r])
    }
    static func allMatches(_ pattern: String, _ s: String) -> [String] {
        regex(pattern).matches(in: s, range: NSRange(s.startIndex..., in: s)).compactMap { Range($0.range, in: s).map { String(s[$0]) } }
    }
    static func replace(_ pattern: String, in s: String, with template: String) -> String {
        regex(pattern).stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
    }
}

extension String {
    /// Python's `str.strip()` (whitespace at both ends).
    func pyStrip() -> String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// TheoremQA's answer extraction from a model's whole output (`zero_shot_eval/run_huggingface.py`):
/// scan the lines from the last, and take the first that answers in the question's form.
public enum TheoremQAExtractor {
    /// The prediction text, or nil when no line qualifies (their `prediction = None`).
    public static func extract(output: String, type: TheoremQAAnswerType) -> String? {
        let result = output.pyStrip()
        for line in result.components(separatedBy: "\n").reversed() {
            let lower = line.lowercased()
            switch type {
            case .bool:
                if line.count < 2 { continue }
                if lower.contains("true") || lower.contains("correct") { return "True" }
                if lower.contains("false") || lower.contains("wrong") { return "False" }
                if lower.contains(" not ") || lower.contains("n't ") { return "False" }
                return "True"
            case .option:
                if ["(a)", "(b)", "(c)", "(d)"].contains(where: { lower.contains($0) }) { return line }
            default:
                if [" is ", " be ", " are ", " is: "].contains(where: { lower.contains($0) }) {
                    // re.split(' be | is | are | is: ', sent)[-1].strip('.')
                    let parts = TheoremQAScorer.regex(" be | is | are | is: ").matches(in: line, range: NSRange(line.startIndex..., in: line))
                    let tail = parts.last.flatMap { Range($0.range, in: line) }.map { String(line[$0.upperBound...]) } ?? line
                    return tail.trimmingCharacters(in: CharacterSet(charactersIn: "."))
                }
                if line.contains(where: { $0.isASCII && $0.isNumber }) { return line }
            }
        }
        return nil
    }
}
