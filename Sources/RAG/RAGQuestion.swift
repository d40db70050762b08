import Foundation
import JSON

/// What a question's answer is checked against.
public enum RAGGold: Sendable, Equatable {
    /// TheoremQA: scored by `TheoremQAScorer`.
    case theoremQA(TheoremQAAnswer, TheoremQAAnswerType)
    /// MMLU/GPQA: the letter of the right option (`A`–`D`).
    case letter(Character, options: [String])
}

/// One question to answer.
public struct RAGQuestion: Sendable, Equatable {
    public var id: String
    public var text: String
    public var gold: RAGGold
    public init(id: String, text: String, gold: RAGGold) {
        self.id = id; self.text = text; self.gold = gold
    }
}

/// A line of a question file that cannot be used, with where and why.
public struct RAGInputError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String
    public var reason: String
    public var description: String { "\(file):\(line): \(field): \(reason)" }
}

/// Questions read from JSONL, and the count of those skipped because they carry no answer.
public struct RAGQuestionSet: Sendable {
    public var questions: [RAGQuestion]
    /// Ids of lines without an answer (skipped and counted, not an error).
    public var skippedWithoutAnswer: [String]

    /// Reads `url`: TheoremQA rows (`_id`, `text`, `metadata.answer`, `metadata.answer_type`) or
    /// multiple-choice rows (`_id` or `id`, `question`, `choices` of 2–10 strings, `answer` a letter).
    public static func load(_ url: URL) throws -> RAGQuestionSet {
        let data = try Data(contentsOf: url)
        var questions: [RAGQuestion] = []
        var skipped: [String] = []
        var lineNumber = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if raw.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            func fail(_ field: String, _ reason: String) -> RAGInputError {
                RAGInputError(file: url.path, line: lineNumber, field: field, reason: reason)
            }
            let row: JSONValue
            do { row = try JSONParser.parse(raw) } catch { throw fail("(line)", "not JSON: \(error)") }
            guard case .string(let id)? = row["_id"] ?? row["id"] else { throw fail("_id", "missing or not a string") }
            if let metadata = row["metadata"], metadata["answer_type"] != nil || metadata["answer"] != nil {
                guard case .string(let text)? = row["text"] else { throw fail("text", "missing or not a string") }
                guard let answerValue = metadata["answer"], answerValue != .null else { skipped.append(id); continue }
                guard case .string(let typeName)? = metadata["answer_type"] else { throw fail("metadata.answer_type", "missing or not a string") }
                guard let type = TheoremQAAnswerType(rawValue: typeName) else {
                    throw fail("metadata.answer_type", "unknown answer type \"\(typeName)\" (known: \(TheoremQAAnswerType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard let answer = theoremQAAnswer(answerValue) else { throw fail("metadata.answer", "not a number, bool, string or list of numbers") }
                questions.append(RAGQuestion(id: id, text: text, gold: .theoremQA(answer, type)))
            } else if row["choices"] != nil || row["question"] != nil {
                guard case .string(let text)? = row["question"] else { throw fail("question", "missing or not a string") }
                guard case .array(let items)? = row["choices"], (2...10).contains(items.count) else { throw fail("choices", "missing or not a list of 2 to 10 options") }
                var options: [String] = []
                for item in items {
                    guard case .string(let s) = item else { throw fail("choices", "an option is not a string") }
                    options.append(s)
                }
                guard let answerValue = row["answer"], answerValue != .null else { skipped.append(id); continue }
                guard case .string(let letterText) = answerValue, letterText.count == 1, let letter = letterText.uppercased().first,
                      let index = MultipleChoice.letters.firstIndex(of: letter), index < options.count else {
                    throw fail("answer", "not a letter among the \(options.count) options")
                }
                questions.append(RAGQuestion(id: id, text: text, gold: .letter(letter, options: options)))
            } else {
                guard case .string? = row["text"] else { throw fail("text", "missing or not a string") }
                skipped.append(id)  // a query without any answer field
            }
        }
        return RAGQuestionSet(questions: questions, skippedWithoutAnswer: skipped)
    }

    static func theoremQAAnswer(_ value: JSONValue) -> TheoremQAAnswer? {
        switch value {
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n):
            if n.isInteger, let i = n.int { return .int(i) }
            return .float(n.double)
        case .array(let items):
            let converted = items.compactMap(theoremQAAnswer)
            return converted.count == items.count ? .list(converted) : nil
        default: return nil
        }
    }
}

/// Exact-letter scoring for MMLU/GPQA-shaped questions.
public enum MultipleChoice {
    public static let letters: [Character] = Array("ABCDEFGHIJ")

    /// The letter a model's output answers with: the last "answer is (X)" / "Answer: X", else the
    /// last standalone capital letter among the options; nil when there is none.
    public static func extractLetter(_ output: String, optionCount: Int) -> Character? {
        let allowed = String(letters.prefix(optionCount))
        let patterns = [#"(?i)answer\s*(?:is|:)?\s*:?\s*\(?([\#(allowed)])\)?(?![A-Za-z])"#, #"(?<![A-Za-z])\(?([\#(allowed)])\)?(?![A-Za-z])"#]
        for pattern in patterns {
            let regex = try! NSRegularExpression(pattern: pattern)
            let ms = regex.matches(in: output, range: NSRange(output.startIndex..., in: output))
            if let m = ms.last, let r = Range(m.range(at: 1), in: output) { return Character(output[r].uppercased()) }
        }
        return nil
    }
}
