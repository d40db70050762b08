import Foundation
import LLM
import Retrieval
import Testing
@testable import Reasoning

/// The prompts, word for word as ReasonIR's `evaluation/bright/prompts.py` renders them with
/// query "QUERY" and document "DOC", and BRIGHT's rewriting prompt (`reason.py`, with ReasonIR's
/// token limit).
@Suite struct PromptTests {
    static let reasonIRPrompts: [(RerankPrompt, String)] = [
        (.aops, "We want to find different but similar math problems to the following problem:\nQUERY\nA document is relevant if it uses the same class of functions and shares **any** overlapping techniques.\nDocument: DOC\nScore the document above. The answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\n"),
        (.theoremqaQuestions, "We want to find a document which uses the same mathematical process as this one: \nQUERY\nA document is relevant if it uses the same mathematical process as the query.\nDocument: DOC\nScore the document above. The answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\n"),
        (.leetcode, "I am looking to find different problems that share similar data structures\n(of any kind) or algorithms (e.g. DFS, DP, sorting, traversals, etc.). I am looking for problems that share one or both of these similarities to\nthis:\nQUERY\nDoes the passage below share any similarities? e.g. if there was a textbook on leetcode problems, this would be in the same book even though it could be in a different chapter.\nPassage: DOC\nPlease rate the passage above. The answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\n"),
        (.pony, "I will use the programming language pony. \nProblem: QUERY\nBut to solve the problem above, I need to know things about pony. A passage is relevant if it contains docs that match any part (even basic parts) of the code I will have to write for the above program.\nPassage: DOC\nPlease rate the passage above. The answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\n"),
        (.theoremqaTheorems, "\"We want to find a document which uses the same mathematical process as this one: \nQUERY\nA document is relevant if it uses the same mathematical process as the query.\nDocument: DOC\nScore the document above. The answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\n"),
        (.general, "A document is relevant if it contains information that helps answer or address the query.\nA document is not relevant if it doesn't contain information that helps answer the query, even if it mentions similar topics.\nIs the document below relevant to answering the query below?\nThe answer should be 'Relevance score: X.' where X is a number from 0-5.\n0 means completely irrelevant, 5 means highly relevant and completely addresses the query. Don't output anything else.\nHere is the query:\n<start_query>\nQUERY\n<end_query>\nHere is the document:\n<start_document>\nDOC\n<end_document>\n"),
    ]

    @Test func rerankPromptsMatchReasonIR() {
        for (prompt, expected) in Self.reasonIRPrompts {
            #expect(prompt.render(query: "QUERY", document: "DOC") == expected, "\(prompt)")
        }
        #expect(Set(Self.reasonIRPrompts.map(\.0)) == Set(RerankPrompt.allCases))
    }

    @Test func promptByTask() {
        #expect(RerankPrompt.forTask("theoremqa_theorems") == .theoremqaTheorems)
        #expect(RerankPrompt.forTask("theoremqa-theorems") == .theoremqaTheorems)
        #expect(RerankPrompt.forTask("theoremqa_questions") == .theoremqaQuestions)
        #expect(RerankPrompt.forTask("aops") == .aops)
        #expect(RerankPrompt.forTask("leetcode") == .leetcode)
        #expect(RerankPrompt.forTask("pony") == .pony)
        #expect(RerankPrompt.forTask("biology") == .general)
        #expect(RerankPrompt.forTask("scifact") == .general)
        #expect(RerankPrompt.forTask(nil) == .general)
    }

    @Test func rewritePromptMatchesBRIGHT() {
        #expect(QueryRewriter.prompt(for: "line one\nline two", tokenBudget: 128) == "line one line two\n\nInstructions:\n1. Identify the essential problem.\n2. Think step by step to reason and describe what information could be relevant and helpful to address the questions in detail.\n3. Draft an answer with as many thoughts as you have.\nYour answer must be written within 128 tokens.")
        #expect(!QueryRewriter.prompt(for: "q").contains("within"))
        #expect(QueryRewriter.prompt(for: "q").hasSuffix("as many thoughts as you have.\n"))
    }
}
