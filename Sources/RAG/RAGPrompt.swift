import Foundation
import LLM

/// What a reader is shown besides the question.
public enum RAGCondition: String, Sendable, CaseIterable, Codable {
    /// The question only.
    case closed
    /// The retriever's top k documents.
    case open
    /// The gold documents of the qrels: the upper bound of retrieval.
    case oracle
}

/// A background document.
public struct RAGDocument: Sendable, Equatable {
    public var id: String
    public var text: String
    public init(id: String, text: String) { self.id = id; self.text = text }
}

/// Prompts in the shape of ReasonIR's RAG evaluation: background documents first, then the
/// question, then an instruction to end with the answer in a fixed form that extraction looks for.
public enum RAGPrompt {
    /// The chat messages for `question` with `documents` (none for closed book); each document is
    /// cut to `maxDocumentCharacters` so that k documents fit a small model's context.
    public static func messages(for question: RAGQuestion, documents: [RAGDocument], maxDocumentCharacters: Int = 1500) -> [ChatMessage] {
        var text = ""
        if !documents.isEmpty {
            text += "Background documents:\n"
            for (i, document) in documents.enumerated() {
                let body = document.text.count > maxDocumentCharacters ? String(document.text.prefix(maxDocumentCharacters)) + " …" : document.text
                text += "[\(i + 1)] \(body)\n\n"
            }
            text += "Use the background documents if they help.\n\n"
        }
        switch question.gold {
        case .theoremQA(_, let type):
            text += "Question: \(question.text)\n\n"
            text += instruction(type)
        case .letter(_, let options):
            text += "Question: \(question.text)\n"
            for (letter, option) in zip(MultipleChoice.letters, options) { text += "(\(letter)) \(option)\n" }
            text += "\nThink step by step, then end your response with \"The answer is (X)\" where X is the letter of the right option."
        }
        return [ChatMessage(role: .user, content: text)]
    }

    /// TheoremQA's own instructions per answer type, with the fixed closing sentence its extraction reads.
    static func instruction(_ type: TheoremQAAnswerType) -> String {
        switch type {
        case .bool:
            return "Please think step by step and then answer `Therefore, the answer is True/False'."
        case .option:
            return "Please think step by step to derive the answer. The answer should be (a), (b), (c) or (d). End with `Therefore, the answer is (x)'."
        case .listOfInteger, .listOfFloat:
            return "Please think step by step to derive the answer. The answer is a list of numbers: end with `Therefore, the answer is [x, y, ...]'."
        case .integer, .float:
            return "Please think step by step to derive the answer. The answer needs to be in numerical form: end with `Therefore, the answer is N'."
        }
    }
}

/// Answer extraction and scoring for any question kind.
public enum RAGScoring {
    /// The extracted answer (nil when none) and whether it is right.
    public static func score(output: String, gold: RAGGold) -> (extracted: String?, correct: Bool) {
        switch gold {
        case .theoremQA(let answer, let type):
            let extracted = TheoremQAExtractor.extract(output: output, type: type)
            return (extracted, TheoremQAScorer.isCorrect(prediction: extracted, answer: answer, type: type))
        case .letter(let letter, let options):
            let extracted = MultipleChoice.extractLetter(output, optionCount: options.count)
            return (extracted.map(String.init), extracted == letter)
        }
    }

    /// The category a question is reported under: its answer type, or "multiple choice".
    public static func category(_ gold: RAGGold) -> String {
        switch gold {
        case .theoremQA(_, let type): return type.rawValue
        case .letter: return "multiple choice"
        }
    }
}
