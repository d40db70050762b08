import ArgumentParser
import ReasonIR

/// `eval`'s test-time reasoning: LLM query rewriting before retrieval, LLM reranking after.
struct ReasoningOptions: ParsableArguments {
    enum RerankQuery: String, ExpressibleByArgument, CaseIterable {
        /// The text the retriever got: the rewrite when --rewrite is on (ReasonIR reranks with
        /// its reasoning queries).
        case retrieved
        /// The dataset's query, even when retrieval used a rewrite.
        case original
    }

    @Flag(help: "Rewrite each query with the LLM before retrieval (BRIGHT's reasoning queries).")
    var rewrite = false

    @Flag(help: "With --rewrite, search with the query followed by its rewrite instead of the rewrite alone (BRIGHT's).")
    var rewriteKeepQuery = false

    @Flag(help: "Rerank each query's top documents with the LLM (ReasonIR's pointwise 0-5 scores).")
    var rerank = false

    @Option(help: "Documents reranked per query (ReasonIR: 100).")
    var rerankDepth = 100

    // Raw by default because ReasonIR's reranker hands its prompts to vLLM's `LLM.generate`,
    // which applies no chat template; chat is for servers without /v1/completions.
    @Option(help: "How rerank prompts reach the LLM: raw (text to continue, /v1/completions, no chat template: ReasonIR's) or chat (the user's message, /v1/chat/completions).")
    var rerankFormat: RerankFormat = .raw

    @Option(help: "The rerank prompt (default: by --task or the dataset's folder name, else general).")
    var rerankPrompt: RerankPrompt?

    @Option(help: "Weight of the LLM's score (X/5) in the final score.")
    var rerankWeight = 0.5

    @Option(help: "Weight of the retriever's score in the final score.")
    var retrieverWeight = 0.5

    @Option(help: "How retriever scores are scaled before mixing: none (ReasonIR, raw), min-max or max, per query over the reranked documents.")
    var rerankNormalization: ScoreNormalization = .minMax

    @Option(help: "The query text shown to the reranker: retrieved (the rewrite when --rewrite is on) or original.")
    var rerankQuery: RerankQuery = .retrieved

    @Option(help: "Cut documents to this many characters in rerank prompts (default: whole).")
    var rerankMaxChars: Int?

    var enabled: Bool { rewrite || rerank }

    func validate() throws {
        if rerankDepth < 1 { throw ValidationError("--rerank-depth must be at least 1.") }
        if let rerankMaxChars, rerankMaxChars < 1 { throw ValidationError("--rerank-max-chars must be at least 1.") }
    }

    /// The reranker on `client`, in the chosen format.
    func reranker(client: OpenAICompatibleClient, defaultPrompt: RerankPrompt, seed: Int?, concurrency: Int) -> LLMReranker {
        LLMReranker(model: rerankFormat == .raw ? .raw(client) : .chat(client), prompt: rerankPrompt ?? defaultPrompt, depth: rerankDepth, rerankWeight: rerankWeight,
                    retrieverWeight: retrieverWeight, normalization: rerankNormalization,
                    options: ChatOptions(temperature: 0.6, topP: 0.9, maxTokens: 32, seed: seed),
                    maxConcurrentCalls: concurrency, maxDocumentCharacters: rerankMaxChars)
    }
}
