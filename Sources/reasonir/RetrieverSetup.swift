import ArgumentParser
import Foundation
import ReasonIR
import Report

/// The options that choose and build a retriever, shared by `eval` and `bright`.
struct RetrieverOptions: ParsableArguments {
    @Option(help: "The retriever.")
    var retriever: RetrieverChoice = .bm25

    @OptionGroup var bm25: BM25Options
    @OptionGroup(title: "Hybrid") var fusion: FusionOptions

    @Option(help: "Dense: the embedding model, by name or path (sentence-transformers directory, or a Llama/Qwen safetensors directory or GGUF file as a ReasonIR-style embedder).")
    var model: String?

    @Option(help: ArgumentHelp("Dense: embed through this OpenAI-compatible embeddings server instead of a local --model "
                               + "(vLLM or TEI serving ReasonIR-8B, `reasonir serve`); API key from $REASONIR_EMBEDDING_API_KEY.",
                               valueName: "url"))
    var embeddingURL: String?

    @Option(help: ArgumentHelp("Dense, with --embedding-url: the model to ask for (default: the server's own).", valueName: "name"))
    var embeddingModel: String?

    @Option(help: "Dense, with --embedding-url: texts per request.")
    var embeddingBatchSize = 32

    @Option(help: "Dense: how the cached document vectors are stored (f16: half the memory, scores to about three digits).")
    var vectorType: VectorType = .f32

    @Flag(help: "Build the index again even when a current one exists.")
    var rebuild = false

    @Option(help: "Threads for indexing and search (default: every core).")
    var threads: Int = defaultThreadCount

    @Option(help: ArgumentHelp("Dense encoder precision: float32, or bfloat16 (faster on AVX512-BF16 CPUs, embeddings cached apart).", valueName: "precision"))
    var precision: ComputePrecision = .float32

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if retriever != .bm25, model == nil, embeddingURL == nil {
            throw ValidationError("--retriever \(retriever.rawValue) needs --model (e.g. all-MiniLM-L6-v2) or --embedding-url.")
        }
        if model != nil, embeddingURL != nil { throw ValidationError("give --model or --embedding-url, not both.") }
        if embeddingBatchSize < 1 { throw ValidationError("--embedding-batch-size must be at least 1.") }
    }

    /// The retriever's settings as a results file records them; `retriever` names the curve a
    /// run of it belongs to in a report.
    var settings: [Setting] {
        let embedding = model ?? embeddingURL
        var settings = [Setting("retriever", retriever.rawValue + (embedding.map { " " + $0 } ?? ""))]
        if retriever != .dense { settings.append(Setting("bm25_variant", bm25.bm25Variant.rawValue)) }
        if let embedding { settings.append(Setting("model", embedding)) }
        if retriever == .hybrid { settings.append(Setting("fusion", fusion.fusion.rawValue)) }
        return settings
    }

    func setup(queryInstruction: String?, quiet: Bool) -> RetrieverSetup {
        RetrieverSetup(retriever: retriever, bm25: bm25, fusion: fusion, model: model,
                       embeddingServer: embeddingURL.map { EmbeddingServer(url: $0, model: embeddingModel, batchSize: embeddingBatchSize) },
                       vectorType: vectorType,
                       queryInstruction: queryInstruction, precision: precision, threads: threads,
                       rebuild: rebuild, quiet: quiet)
    }
}

/// The retriever a command asked for (`eval`, `bright`): BM25, dense or hybrid, with its index
/// opened from the cache or built.
struct RetrieverSetup {
    var retriever: RetrieverChoice
    var bm25: BM25Options
    var fusion: FusionOptions
    var model: String?
    var embeddingServer: EmbeddingServer?
    var vectorType: VectorType
    var queryInstruction: String?
    var precision: ComputePrecision
    var threads: Int
    var rebuild: Bool
    var quiet: Bool

    /// Opens (or builds) the index the retriever needs: under `indexDirectory` when given, else
    /// in the cache, keyed by the corpus file. Returns the retriever, its description and the
    /// number of documents.
    func make(for dataset: EvaluationDataset, indexDirectory: URL?,
              progress: TerminalProgress) throws -> (any Retriever, String, Int) {
        let cache = IndexCache()
        func directory(_ kind: String) -> URL {
            indexDirectory.map { $0.appendingPathComponent(kind) } ?? cache.directory(for: dataset.corpusURL, kind: kind)
        }
        func lexical() throws -> BM25Retriever {
            let location = directory("bm25")
            let index: BM25Index
            if rebuild {
                index = try BM25Indexing.build(corpus: dataset.corpus, to: location, threads: threads, progress: progress)
            } else {
                let (opened, reused) = try BM25Indexing.openOrBuild(corpus: dataset.corpus, directory: location,
                                                                  threads: threads, progress: progress)
                if reused, !quiet { warn("using the index at \(location.path)") }
                index = opened
            }
            return BM25Retriever(index: index, variant: bm25.bm25Variant, parameters: bm25.parameters, threads: threads)
        }
        func semantic() throws -> DenseRetriever {
            let loaded = try embeddingServer.map { try $0.connect() }
                ?? EmbeddingModel.load(model ?? "", threads: threads, precision: precision)
            let location = directory(DenseIndexing.cacheKind(for: loaded, vectorType: vectorType))
            let index: FlatDenseIndex
            if rebuild {
                index = try DenseIndexing.build(corpus: dataset.corpus, model: loaded, to: location, vectorType: vectorType,
                                                progress: progress)
            } else {
                let (opened, reused) = try DenseIndexing.openOrBuild(corpus: dataset.corpus, model: loaded,
                                                                   directory: location, vectorType: vectorType,
                                                                   progress: progress)
                if reused, !quiet { warn("using the embeddings at \(location.path)") }
                index = opened
            }
            return DenseRetriever(model: loaded, index: index, queryInstruction: queryInstruction)
        }
        let lexicalName = "bm25 \(bm25.bm25Variant.rawValue) (k1 \(bm25.k1), b \(bm25.b))"
        switch retriever {
        case .bm25:
            let chosen = try lexical()
            return (chosen, lexicalName, chosen.index.documentCount)
        case .dense:
            let chosen = try semantic()
            return (chosen, "dense \(chosen.model.identity.name)", chosen.index.count)
        case .hybrid:
            let (sparse, dense) = (try lexical(), try semantic())
            let chosen = HybridRetriever(bm25: sparse, dense: dense, method: fusion.method, candidates: fusion.hybridCandidates)
            return (chosen, "hybrid \(fusion.method.description) of \(lexicalName) and dense \(dense.model.identity.name), "
                        + "\(fusion.hybridCandidates) candidates each", sparse.index.documentCount)
        }
    }
}

/// An embeddings server a command was pointed at (`--embedding-url`).
struct EmbeddingServer {
    var url: String
    var model: String?
    var batchSize: Int

    func connect() throws -> EmbeddingModel {
        let key = ProcessInfo.processInfo.environment["REASONIR_EMBEDDING_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let client = OpenAICompatibleClient(configuration: try LLMClientConfiguration(baseURL: url, model: model, apiKey: key))
        return try EmbeddingModel.remote(client, batchSize: batchSize)
    }
}
