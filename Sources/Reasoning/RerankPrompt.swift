/// ReasonIR's pointwise reranking prompts (`evaluation/bright/prompts.py`), one per kind of
/// BRIGHT task: each shows the query and one document and asks for "Relevance score: X." on a
/// 0–5 scale. Word for word, the odd leading quote of the TheoremQA-theorems prompt included.
public enum RerankPrompt: String, Sendable, CaseIterable, Hashable {
    /// StackExchange tasks and any other corpus (SciFact, …).
    case general
    case aops
    case theoremqaQuestions = "theoremqa-questions"
    case theoremqaTheorems = "theoremqa-theorems"
    case leetcode
    case pony

    /// The prompt ReasonIR uses for a BRIGHT task name (`theoremqa_theorems`, `biology`, …);
    /// `general` for anything else. Dashes count as underscores.
    public static func forTask(_ task: String?) -> RerankPrompt {
        switch task?.lowercased().replacingOccurrences(of: "-", with: "_") {
        case "aops": return .aops
        case "theoremqa_questions": return .theoremqaQuestions
        case "theoremqa_theorems": return .theoremqaTheorems
        case "leetcode": return .leetcode
        case "pony": return .pony
        default: return .general
        }
    }

    /// The prompt with `query` and `document` filled in.
    public func render(query: String, document: String) -> String {
        let (head, middle, tail) = parts
        return head + query + middle + document + tail
    }

    private static let answerFormat = """
        The answer should be 'Relevance score: X.' where X is a number from 0-5.
        0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.

        """

    /// The text before the query, between query and document, and after the document.
    private var parts: (String, String, String) {
        switch self {
        case .aops:
            return ("We want to find different but similar math problems to the following problem:\n",
                    "\nA document is relevant if it uses the same class of functions and shares **any** overlapping techniques.\nDocument: ",
                    "\nScore the document above. " + Self.answerFormat)
        case .theoremqaQuestions:
            return ("We want to find a document which uses the same mathematical process as this one: \n",
                    "\nA document is relevant if it uses the same mathematical process as the query.\nDocument: ",
                    "\nScore the document above. " + Self.answerFormat)
        case .theoremqaTheorems:
            return ("\"We want to find a document which uses the same mathematical process as this one: \n",
                    "\nA document is relevant if it uses the same mathematical process as the query.\nDocument: ",
                    "\nScore the document above. " + Self.answerFormat)
        case .leetcode:
            return ("I am looking to find different problems that share similar data structures\n"
                    + "(of any kind) or algorithms (e.g. DFS, DP, sorting, traversals, etc.). I am looking for problems that share one or both of these similarities to\nthis:\n",
                    "\nDoes the passage below share any similarities? e.g. if there was a textbook on leetcode problems, this would be in the same book even though it could be in a different chapter.\nPassage: ",
                    "\nPlease rate the passage above. " + Self.answerFormat)
        case .pony:
            return ("I will use the programming language pony. \nProblem: ",
                    "\nBut to solve the problem above, I need to know things about pony. A passage is relevant if it contains docs that match any part (even basic parts) of the code I will have to write for the above program.\nPassage: ",
                    "\nPlease rate the passage above. " + Self.answerFormat)
        case .general:
            return ("A document is relevant if it contains information that helps answer or address the query.\n"
                    + "A document is not relevant if it doesn't contain information that helps answer the query, even if it mentions similar topics.\n"
                    + "Is the document below relevant to answering the query below?\n"
                    + Self.answerFormat
                    + "Here is the query:\n<start_query>\n",
                    "\n<end_query>\nHere is the document:\n<start_document>\n",
                    "\n<end_document>\n")
        }
    }
}
