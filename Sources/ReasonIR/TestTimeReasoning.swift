import Foundation

extension EvaluationDataset {
    /// The dataset with only its first `count` queries (for BRIGHT, only their examples), so a
    /// costly evaluation can run on a sample; metrics average over those queries.
    public func prefix(_ count: Int) -> EvaluationDataset {
        var copy = self
        copy.queries = Array(queries.prefix(count))
        if let brightExamples {
            let kept = Set(copy.queries.map(\.id))
            copy.brightExamples = brightExamples.filter { kept.contains($0.id) }
        }
        return copy
    }

    /// The same dataset with other query texts (LLM rewrites, say), one per query, ids unchanged.
    public func replacingQueryTexts(_ texts: [String]) -> EvaluationDataset {
        precondition(texts.count == queries.count, "one text per query")
        var copy = self
        copy.queries = zip(queries, texts).map { Query(id: $0.id, text: $1) }
        return copy
    }

    /// The texts of the documents `ids`, read from the corpus in one pass.
    public func documentTexts(for ids: Set<String>) throws -> [String: String] {
        var texts: [String: String] = [:]
        texts.reserveCapacity(ids.count)
        try corpus.forEachRecord { document in
            if ids.contains(document.id) { texts[document.id] = document.text }
        }
        return texts
    }

    /// The rerank prompt ReasonIR would use here: by the BRIGHT task (or dataset folder) name,
    /// `general` for anything else.
    public var rerankPrompt: RerankPrompt {
        RerankPrompt.forTask(name)
    }
}

/// LLM reranking of a whole run: each query's top documents rescored by `reranker`.
public enum RunReranking {
    /// Reranks every query of `run` that `queries` names, asking about each with the text given
    /// here (the retriever's query, or another). Queries the run lacks are left out.
    public static func rerank(_ run: Run, queries: [Query], reranker: LLMReranker, dataset: EvaluationDataset,
                              progress: any ProgressReporter = SilentProgress()) async throws -> (run: Run, result: RerankResult) {
        let present = queries.filter { run[$0.id] != nil }
        let rankings = present.map { run[$0.id]! }
        var needed = Set<String>()
        for ranking in rankings { needed.formUnion(ranking.prefix(reranker.depth).map(\.id)) }
        let texts = try dataset.documentTexts(for: needed)
        let result = try await reranker.rerank(queries: present.map(\.text), rankings: rankings,
                                               documentText: { texts[$0] }, progress: progress)
        let reranked = Run(zip(present, result.rankings).map { (queryID: $0.id, documents: $1) })
        return (reranked, result)
    }
}
