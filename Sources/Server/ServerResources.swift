import Foundation
import ReasonIR

/// What a server is started with beyond its models: address, key and limits.
public struct ServerOptions: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// When set, every route but `/health` needs `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Request bodies larger than this are refused (413).
    public var maxBodyBytes: Int
    /// Inputs (texts, documents) in one request at most (413 past that).
    public var maxInputsPerRequest: Int
    /// Embedding inputs waiting at most, across requests (429 past that).
    public var maxQueuedInputs: Int
    /// Tokens in one shared embedding batch at most.
    public var maxBatchTokens: Int
    /// Generation requests (chat, completions, LLM reranking) waiting or running at most (429 past that).
    public var maxQueuedGenerations: Int
    /// Searches running at most (429 past that).
    public var maxConcurrentSearches: Int
    /// Threads for search and model kernels.
    public var threads: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, maxBodyBytes: Int = 16 << 20,
                maxInputsPerRequest: Int = 2048, maxQueuedInputs: Int = 16384, maxBatchTokens: Int = 16384,
                maxQueuedGenerations: Int = 16, maxConcurrentSearches: Int = 64,
                threads: Int = defaultThreadCount) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.maxBodyBytes = maxBodyBytes
        self.maxInputsPerRequest = maxInputsPerRequest
        self.maxQueuedInputs = maxQueuedInputs
        self.maxBatchTokens = maxBatchTokens
        self.maxQueuedGenerations = maxQueuedGenerations
        self.maxConcurrentSearches = maxConcurrentSearches
        self.threads = threads
    }
}

/// Everything the routes serve: the embedding model, the index directories by name and the local
/// language model, each optional, with the limits and metrics they share.
public final class ServerResources: Sendable {
    public let options: ServerOptions
    public let embedding: EmbeddingService?
    public let indexes: [String: ServedIndex]
    /// Index names in the order given (the first is the default of `/v1/search`).
    public let indexOrder: [String]
    public let llm: LocalLanguageModel?
    public let metrics: ServerMetrics
    let generations: AdmissionGate
    let searches: AdmissionGate

    /// Loads the embedding model (a name `ModelLocator` finds, or a directory), opens each index
    /// directory (name → path) and loads the GGUF file.
    public static func load(model: String?, indexes: [(name: String, path: String)], llm: String?,
                            options: ServerOptions, metrics: ServerMetrics = ServerMetrics()) throws -> ServerResources {
        let embedding = try model.map { try EmbeddingModel.load($0, threads: options.threads) }
        if let embedding, embedding.sentenceTransformer == nil {
            throw APIError(.invalidRequest, "`\(embedding.identity.name)` is a Llama-family model: the server embeds with "
                               + "sentence-transformers (BERT-family) models only for now", parameter: "model")
        }
        let language = try llm.map { try LocalLanguageModel(gguf: URL(fileURLWithPath: $0), threads: options.threads) }
        var opened: [String: ServedIndex] = [:]
        for (name, path) in indexes {
            if opened[name] != nil { throw APIError(.invalidRequest, "two indexes are named `\(name)`: give each --index NAME=DIR") }
            opened[name] = try ServedIndex(name: name, url: URL(fileURLWithPath: path), model: embedding, threads: options.threads)
        }
        return ServerResources(options: options, embedding: embedding, indexes: opened, indexOrder: indexes.map(\.name),
                               llm: language, metrics: metrics)
    }

    public init(options: ServerOptions, embedding: EmbeddingModel?, indexes: [String: ServedIndex], indexOrder: [String],
                llm: LocalLanguageModel?, metrics: ServerMetrics = ServerMetrics()) {
        self.options = options
        self.metrics = metrics
        // `load` refuses other models; a caller giving one here gets no embedding routes.
        self.embedding = embedding.flatMap { model in model.sentenceTransformer.map { (model, $0) } }.map {
            EmbeddingService(model: $0.0, embedder: $0.1, maxBatchTokens: options.maxBatchTokens, maxQueuedInputs: options.maxQueuedInputs,
                             metrics: metrics)
        }
        self.indexes = indexes
        self.indexOrder = indexOrder
        self.llm = llm
        generations = AdmissionGate(name: "generation", limit: options.maxQueuedGenerations, metrics: metrics)
        searches = AdmissionGate(name: "search", limit: options.maxConcurrentSearches, metrics: metrics)
    }

    /// The embedding model, or 404 when none is loaded or `requested` names another.
    func embeddingModel(requested: String?) throws -> EmbeddingService {
        guard let embedding else {
            throw APIError(.notFound, "no embedding model is loaded: start the server with --model", parameter: "model")
        }
        if let requested, requested != embedding.name, requested != embedding.embedder.directory.path {
            throw APIError(.notFound, "model `\(requested)` is not served here; the embedding model is `\(embedding.name)`",
                           parameter: "model")
        }
        return embedding
    }

    /// The language model, or 404 when none is loaded or `requested` names another.
    func languageModel(requested: String?) throws -> LocalLanguageModel {
        guard let llm else {
            throw APIError(.notFound, "no language model is loaded: start the server with --llm FILE.gguf", parameter: "model")
        }
        if let requested, !requested.isEmpty, requested != llm.name, requested != llm.name + ".gguf" {
            throw APIError(.notFound, "model `\(requested)` is not served here; the language model is `\(llm.name)`",
                           parameter: "model")
        }
        return llm
    }

    /// The index named `name` (default: the first), or 404.
    func index(named name: String?) throws -> ServedIndex {
        guard let name = name ?? indexOrder.first else {
            throw APIError(.notFound, "no index is loaded: start the server with --index DIR", parameter: "index")
        }
        guard let index = indexes[name] else {
            let known = indexOrder.map { "`\($0)`" }.joined(separator: ", ")
            throw APIError(.notFound, "index `\(name)` is not served here" + (known.isEmpty ? "" : " (indexes: \(known))"),
                           parameter: "index")
        }
        return index
    }
}

/// A bound on requests of one kind in the server at once: past `limit` a request is refused
/// (429 with `Retry-After`) instead of waiting in memory.
final class AdmissionGate: @unchecked Sendable {
    let name: String
    let limit: Int
    private let metrics: ServerMetrics
    private let lock = NSLock()
    private var inside = 0

    init(name: String, limit: Int, metrics: ServerMetrics) {
        self.name = name
        self.limit = max(1, limit)
        self.metrics = metrics
    }

    /// Takes a place, or throws 429 when there is none; `leave` gives it back.
    func enter() throws {
        let admitted = lock.withLock { () -> Bool in
            guard inside < limit else { return false }
            inside += 1
            return true
        }
        guard admitted else {
            metrics.recordRejection(queue: name)
            throw APIError(.overloaded, "the \(name) queue is full (\(limit) requests): retry later", retryAfter: 1)
        }
    }

    func leave() { lock.withLock { inside -= 1 } }

    /// Runs `body` if there is room, else throws 429.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        try enter()
        defer { leave() }
        return try await body()
    }
}
