import Foundation
import ReasonIR
import Report

/// Retrieval with LLM query rewriting before it and LLM reranking after it, when asked: what
/// `eval` does for one dataset and `bright` for each task.
struct ReasonedRetrieval {
    var reasoning: ReasoningOptions
    var rewriting: RewriteOptions
    var llm: LLMOptions
    var quiet: Bool

    /// Retrieves and scores `dataset` with `retriever`, rewriting and reranking through `client`
    /// as the options ask; returns the evaluation and one line a step for the summary.
    func evaluate(_ retriever: any Retriever, on dataset: EvaluationDataset, depth: Int, rerankPrompt: RerankPrompt,
                  client: OpenAICompatibleClient?, progress: TerminalProgress) async throws -> (RetrievalEvaluation, [String]) {
        var searched = dataset
        var notes: [String] = []
        if reasoning.rewrite, let client {
            let began = Date()
            let rewriter = rewriting.rewriter(model: client, seed: llm.llmSeed, concurrency: llm.llmConcurrency)
            let rewrites = try await rewriter.rewrite(dataset.queries.map(\.text), progress: progress)
            searched = dataset.replacingQueryTexts(reasoning.rewriteKeepQuery
                ? zip(dataset.queries, rewrites).map { $0.text + "\n" + $1 } : rewrites)
            notes.append(String(format: "rewrite: %d queries in %.1fs", dataset.queries.count, Date().timeIntervalSince(began)))
            reportLLM(client, quiet: quiet)
        }
        var result = try RetrievalEvaluation.evaluate(retriever, on: searched, depth: depth, progress: progress)
        if reasoning.rerank, let client {
            let began = Date()
            let reranker = reasoning.reranker(client: client, defaultPrompt: rerankPrompt,
                                              seed: llm.llmSeed, concurrency: llm.llmConcurrency)
            let queries = reasoning.rerankQuery == .original ? dataset.queries : searched.queries
            let (run, outcome) = try await RunReranking.rerank(result.run, queries: queries, reranker: reranker,
                                                               dataset: dataset, progress: progress)
            result.run = run
            result.report = dataset.evaluate(run, depth: depth)
            notes.append(String(format: "rerank: depth %d, prompt %@, format %@, %d calls in %.1fs (%d unparseable, %d without the marker)",
                                reranker.depth, reranker.prompt.rawValue, reranker.model.format.rawValue, outcome.calls,
                                Date().timeIntervalSince(began), outcome.unparseable, outcome.missingMarker))
            reportLLM(client, quiet: quiet)
        }
        return (result, notes)
    }

    /// The client the options ask for, or nil when neither rewriting nor reranking is on.
    func client() throws -> OpenAICompatibleClient? {
        reasoning.enabled ? try llm.client() : nil
    }

    /// What a TREC run's tag adds for the LLM steps.
    var tagSuffix: String {
        (reasoning.rewrite ? "+rewrite" : "") + (reasoning.rerank ? "+rerank" : "")
    }

    /// The test-time compute settings a results file records (and a report's curves plot).
    var settings: [Setting] {
        var settings = [Setting("rewrite", reasoning.rewrite ? "true" : "false")]
        if reasoning.rewrite, let budget = rewriting.rewriteTokenBudget { settings.append(Setting("rewrite_token_budget", String(budget))) }
        settings.append(Setting("rerank", reasoning.rerank ? "true" : "false"))
        if reasoning.rerank { settings.append(Setting("rerank_depth", String(reasoning.rerankDepth))) }
        return settings
    }
}
