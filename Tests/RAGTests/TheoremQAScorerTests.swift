import Foundation
import JSON
import Testing
@testable import RAG

/// Our scorer against TheoremQA's own (scripts/parity/theoremqa_scoring.py ran their
/// predict_accuracy.py functions on every dev answer and ~5,500 perturbed predictions).
@Suite struct TheoremQAScorerTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/theoremqa_scoring.jsonl")

    @Test func agreesWithTheirVerdictOnEveryCase() throws {
        let data = try Data(contentsOf: Self.fixture)
        var cases = 0, gold = 0, disagreements: [String] = []
        for raw in data.split(separator: UInt8(ascii: "\n")) {
            let row = try JSONParser.parse(raw)
            guard case .string(let prediction)? = row["prediction"], case .string(let typeName)? = row["answer_type"],
                  let type = TheoremQAAnswerType(rawValue: typeName), let answer = RAGQuestionSet.theoremQAAnswer(row["answer"]!) else {
                Issue.record("bad fixture row"); continue
            }
            // Where their code raises (float("1..2") in find_numbers_in_string), their script stops; we count it wrong.
            let expected: Bool
            switch row["theirs"]! {
            case .bool(let b): expected = b
            case .string(let s) where s.hasPrefix("raises"): expected = false
            default: Issue.record("bad verdict"); continue
            }
            cases += 1
            if case .string("gold")? = row["kind"] { gold += 1 }
            let ours = TheoremQAScorer.isCorrect(prediction: prediction, answer: answer, type: type)
            if ours != expected { disagreements.append("\(typeName) \(row["answer"]!) \(prediction.debugDescription): theirs \(expected), ours \(ours)") }
        }
        #expect(gold == 389)
        #expect(cases >= 2389)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(40).joined(separator: "\n"))")
    }

    @Test func pythonSemanticsThatTheScorerRelies() throws {
        #expect(try PythonExpression.evaluate("7/2") == .float(3.5))
        #expect(try PythonExpression.evaluate("-2**2") == .int(-4))
        #expect(try PythonExpression.evaluate("1, 2") == .list([.int(1), .int(2)]))
        #expect(try PythonExpression.evaluate("math.pow(10, 3)") == .float(1000))
        #expect(throws: PythonEvalError.self) { try PythonExpression.evaluate("05") }
        #expect(throws: PythonEvalError.self) { try PythonExpression.evaluate("1/0") }
        #expect(throws: PythonEvalError.self) { try PythonExpression.evaluate("4kHz") }
    }

    @Test func extractionFollowsTheirLineScan() {
        let output = "Step 1: compute 3 + 4.\nTherefore, the answer is 7."
        #expect(TheoremQAExtractor.extract(output: output, type: .integer) == "7")
        #expect(TheoremQAExtractor.extract(output: "It holds.\nTherefore, the answer is True.", type: .bool) == "True")
        #expect(TheoremQAExtractor.extract(output: "no digits here", type: .float) == nil)
        #expect(TheoremQAExtractor.extract(output: "", type: .float) == nil)
        #expect(TheoremQAExtractor.extract(output: "I pick (b) here\n", type: .option) == "I pick (b) here")
        // Round half to even, as Python's round(): 2.5 is not 3.
        #expect(!TheoremQAScorer.isCorrect(prediction: "2.5", answer: .int(3), type: .integer))
        #expect(TheoremQAScorer.isCorrect(prediction: "3.5", answer: .int(4), type: .integer))
    }

    @Test func multipleChoiceLetters() {
        #expect(MultipleChoice.extractLetter("Let me think. B looks wrong. The answer is (C).", optionCount: 4) == "C")
        #expect(MultipleChoice.extractLetter("Answer: D", optionCount: 4) == "D")
        #expect(MultipleChoice.extractLetter("no idea", optionCount: 4) == nil)
        #expect(MultipleChoice.extractLetter("The answer is (E)", optionCount: 4) == nil)
    }

    @Test func mcnemarAndBootstrap() {
        // Exact binomial: 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096.
        #expect(abs(PairedStatistics.mcnemarExact(10, 2) - 158.0 / 4096.0) < 1e-12)
        #expect(PairedStatistics.mcnemarExact(0, 0) == 1)
        #expect(PairedStatistics.mcnemarExact(3, 3) == 1)
        let first = (0..<100).map { $0 < 40 }, second = (0..<100).map { $0 < 55 }
        let d = PairedStatistics.compare(first, second, resamples: 2000)
        #expect(abs(d.difference - 0.15) < 1e-12)
        #expect(d.lower > 0.05 && d.lower < 0.15 && d.upper > 0.15 && d.upper < 0.25)
        #expect(d.onlyFirst == 0 && d.onlySecond == 15)
    }
}
