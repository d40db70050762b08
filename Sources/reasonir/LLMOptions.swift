import ArgumentParser
import Foundation
import ReasonIR

extension RerankPrompt: ExpressibleByArgument {}
extension ScoreNormalization: ExpressibleByArgument {}
extension RerankFormat: ExpressibleByArgument {}

/// Where the LLM is and how to talk to it: shared by `rewrite` and `eval --rewrite/--rerank`.
struct LLMOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The OpenAI-compatible server (http://host:port or http://host:port/v1); default $OPENAI_BASE_URL. "
                               + "`synthesize` takes it several times and spreads calls over the servers; other commands use the first.",
                               valueName: "url"))
    var llmURL: [String] = []

    @Option(help: ArgumentHelp("The model to ask for; default $REASONIR_LLM_MODEL, else the server's own.", valueName: "name"))
    var llmModel: String?

    @Option(help: ArgumentHelp("The API key; default $OPENAI_API_KEY.", valueName: "key"))
    var llmAPIKey: String?

    @Option(help: "LLM requests in flight at once (per server).")
    var llmConcurrency = 8

    @Option(help: "Seconds one LLM request may take.")
    var llmTimeout: Double = 600

    @Option(help: "Attempts per LLM request (connection errors, timeouts, 429 and 5xx are retried with backoff).")
    var llmAttempts = 5

    @Option(help: "Sampling seed sent with every LLM request (default: none).")
    var llmSeed: Int?

    @Option(help: ArgumentHelp("Where LLM answers are cached (default $REASONIR_CACHE/llm or ~/.cache/reasonir/llm).",
                               valueName: "dir"))
    var llmCacheDir: String?

    @Flag(help: "Neither read nor write the LLM answer cache.")
    var noLLMCache = false

    func validate() throws {
        if llmConcurrency < 1 { throw ValidationError("--llm-concurrency must be at least 1.") }
        if llmAttempts < 1 { throw ValidationError("--llm-attempts must be at least 1.") }
        if llmTimeout <= 0 { throw ValidationError("--llm-timeout must be positive.") }
    }

    func client(model: String? = nil) throws -> OpenAICompatibleClient {
        try client(url: llmURL.first, model: model)
    }

    /// One client per `--llm-url` (at least one: `$OPENAI_BASE_URL` when none is given), sharing the cache.
    func clients(model: String? = nil) throws -> [OpenAICompatibleClient] {
        llmURL.isEmpty ? [try client(url: nil, model: model)] : try llmURL.map { try client(url: $0, model: model) }
    }

    private func client(url: String?, model: String?) throws -> OpenAICompatibleClient {
        var configuration = try LLMClientConfiguration.fromEnvironment(
            baseURL: url, model: model ?? llmModel, apiKey: llmAPIKey,
            cacheDirectory: noLLMCache ? nil : llmCacheDir.map { URL(fileURLWithPath: $0) } ?? ResponseCache.defaultDirectory())
        configuration.maxConcurrentRequests = llmConcurrency
        configuration.requestTimeout = .milliseconds(Int64(llmTimeout * 1000))
        configuration.retry.maxAttempts = llmAttempts
        return OpenAICompatibleClient(configuration: configuration)
    }
}

/// BRIGHT's query rewriting settings.
struct RewriteOptions: ParsableArguments {
    @Option(help: "Rewrite budget: adds \"Your answer must be written within N tokens.\" and caps the answer at N tokens (ReasonIR); default none (BRIGHT: up to 2048 tokens).")
    var rewriteTokenBudget: Int?

    @Option(help: "Rewrite sampling temperature (BRIGHT: 0.8).")
    var rewriteTemperature: Double = 0.8

    @Option(help: "Rewrite nucleus sampling top-p (BRIGHT: 0.8).")
    var rewriteTopP: Double = 0.8

    func rewriter(model: any ChatModel, seed: Int?, concurrency: Int) -> QueryRewriter {
        QueryRewriter(model: model, tokenBudget: rewriteTokenBudget, temperature: rewriteTemperature, topP: rewriteTopP,
                      seed: seed, maxConcurrentCalls: concurrency)
    }
}

/// Writes the client's counts on stderr.
func reportLLM(_ client: OpenAICompatibleClient, quiet: Bool) {
    guard !quiet else { return }
    warn("LLM: " + client.statistics.summary)
}
