import Foundation
import Testing
import TestSupport
@testable import ReasonIR

/// A reranker that knows the answers: relevance 5 for judged documents, 0 for the rest.
private struct OracleChatModel: ChatModel {
    let relevant: [String: Set<String>]  // query text → relevant document texts

    func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
        let prompt = messages.last!.content
        let query = prompt.components(separatedBy: "<start_query>\n")[1].components(separatedBy: "\n<end_query>")[0]
        let document = prompt.components(separatedBy: "<start_document>\n")[1].components(separatedBy: "\n<end_document>")[0]
        return ChatCompletion(content: relevant[query, default: []].contains(document) ? "Relevance score: 5." : "Relevance score: 0.")
    }
}

/// The facade's wiring of reranking into an evaluation, on TheoremQA-theorems dev.
@Suite struct TestTimeReasoningTests {
    @Test func prefixKeepsTheFirstQueries() throws {
        let dataset = try EvaluationDataset.open(directory: TestPaths.theoremQA, split: "dev")
        let sample = dataset.prefix(5)
        #expect(sample.queries == Array(dataset.queries.prefix(5)))
        let replaced = sample.replacingQueryTexts(sample.queries.map { "new " + $0.text })
        #expect(replaced.queries.map(\.id) == sample.queries.map(\.id))
        #expect(replaced.queries.allSatisfy { $0.text.hasPrefix("new ") })
        #expect(dataset.rerankPrompt == .theoremqaTheorems)
    }

    @Test func anOracleRerankerLiftsNDCGToRecallAtDepth() async throws {
        let dataset = try EvaluationDataset.open(directory: TestPaths.theoremQA, split: "dev").prefix(20)
        let index = try BM25Indexing.build(corpus: dataset.corpus, to: (try TestPaths.temporaryDirectory()).appendingPathComponent("bm25"))
        let retrieved = try RetrievalEvaluation.evaluate(BM25Retriever(index: index), on: dataset, depth: 100)
        let texts = try dataset.documentTexts(for: Set(dataset.qrels.values.flatMap(\.keys)))
        var relevant: [String: Set<String>] = [:]
        for query in dataset.queries {
            relevant[query.text] = Set(dataset.qrels[query.id]!.filter { $0.value > 0 }.keys.compactMap { texts[$0] })
        }
        let reranker = LLMReranker(model: .chat(OracleChatModel(relevant: relevant)), prompt: .general, depth: 10,
                                   rerankWeight: 1, retrieverWeight: 0.001)
        let (run, outcome) = try await RunReranking.rerank(retrieved.run, queries: dataset.queries, reranker: reranker,
                                                           dataset: dataset)
        #expect(outcome.calls == 200)
        let report = dataset.evaluate(run, depth: 100)
        let before = retrieved.report.mean(.ndcgCut(10))!, after = report.mean(.ndcgCut(10))!
        // Each query has one relevant theorem: once in the top 10, the oracle puts it first.
        #expect(after > before)
        #expect(abs(after - retrieved.report.mean(.recall(10))!) < 1e-9)
        #expect(abs(report.mean(.recall(100))! - retrieved.report.mean(.recall(100))!) < 1e-9, "documents below the depth stay")
    }
}
