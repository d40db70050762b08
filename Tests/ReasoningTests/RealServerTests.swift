import Foundation
import LLM
import Retrieval
import Testing
@testable import Reasoning

private let realServerURL: String? = {
    let value = ProcessInfo.processInfo.environment["REASONIR_LLM_URL"] ?? ""
    return value.isEmpty ? nil : value
}()

/// Rewriting and reranking against a real llama.cpp server (scripts/test.sh starts it).
@Suite(.enabled(if: realServerURL != nil, Comment(rawValue: "REASONIR_LLM_URL is not set: start the llama.cpp server with "
                + "`scripts/llm-server.sh start` and export the URL it prints (scripts/test.sh does both)")))
struct RealServerReasoningTests {
    func client(cache: URL?) throws -> OpenAICompatibleClient {
        OpenAICompatibleClient(configuration: try LLMClientConfiguration(
            baseURL: realServerURL ?? "", requestTimeout: .seconds(300), maxConcurrentRequests: 4, cacheDirectory: cache))
    }

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("reasonir-reasoning-tests-\(UUID().uuidString)")
    }

    @Test func rewritesAndReusesTheRewrite() async throws {
        let cache = temporaryDirectory()
        let query = "Vitamin D deficiency increases the risk of multiple sclerosis."
        let rewriter = QueryRewriter(model: try client(cache: cache), tokenBudget: 32)
        let rewrite = try await rewriter.rewrite(query)
        #expect(!rewrite.isEmpty && rewrite != query)
        let again = try client(cache: cache)
        #expect(try await QueryRewriter(model: again, tokenBudget: 32).rewrite(query) == rewrite)
        #expect(again.statistics.cacheHits == 1 && again.statistics.requests == 0)
    }

    @Test func reranksWithScoresReasonIRCouldGive() async throws {
        let documents = [
            "d1": "Vitamin D levels and the risk of multiple sclerosis: low serum vitamin D predicts MS.",
            "d2": "The history of the steam engine in the nineteenth century.",
            "d3": "Multiple sclerosis is an autoimmune disease of the central nervous system.",
        ]
        let ranking = ["d2", "d3", "d1"].enumerated().map { ScoredDocument(id: $1, score: Double(3 - $0)) }
        let reranker = LLMReranker(model: .chat(try client(cache: nil)), depth: 3, maxConcurrentCalls: 3)
        let result = try await reranker.rerank(queries: ["Does vitamin D deficiency raise the risk of MS?"], rankings: [ranking],
                                               documentText: { documents[$0] })
        #expect(result.calls == 3)
        #expect(Set(result.rankings[0].map(\.id)) == ["d1", "d2", "d3"])
        // −1, 0, or the first two characters after the marker over 5 (at most 99/5).
        for score in result.llmScores[0].values { #expect(score == -1 || (0...19.8).contains(score)) }
    }

    /// ReasonIR's raw format on llama.cpp's `/v1/completions`: every prompt is asked once, and a
    /// rerun finds each answer in the cache under the raw prompt (a chat would be keyed apart).
    @Test func reranksWithRawPromptsAndReusesTheAnswers() async throws {
        let cache = temporaryDirectory()
        let documents = [
            "d1": "Vitamin D levels and the risk of multiple sclerosis: low serum vitamin D predicts MS.",
            "d2": "The history of the steam engine in the nineteenth century.",
        ]
        let query = "Does vitamin D deficiency raise the risk of MS?"
        let ranking = [ScoredDocument(id: "d2", score: 2), ScoredDocument(id: "d1", score: 1)]
        let client = try client(cache: cache)
        let reranker = LLMReranker(model: .raw(client), depth: 2, maxConcurrentCalls: 2)
        let result = try await reranker.rerank(queries: [query], rankings: [ranking], documentText: { documents[$0] })
        #expect(result.calls == 2 && client.statistics.requests == 2 && client.statistics.failures == 0)
        for score in result.llmScores[0].values { #expect(score == -1 || (0...19.8).contains(score)) }

        let again = try self.client(cache: cache)
        for id in ["d1", "d2"] {
            let answer = try await again.complete(prompt: reranker.promptText(query: query, document: documents[id]!),
                                                  options: reranker.options)
            #expect(answer.fromCache)
            #expect(LLMReranker.relevance(from: answer.content) == result.llmScores[0][id])
        }
        #expect(again.statistics.requests == 0)
    }
}
