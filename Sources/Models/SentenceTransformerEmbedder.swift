import Foundation
import ModelFiles
import Tensor
import Tokenizers

/// A sentence-transformers model directory with a BERT encoder (all-MiniLM-L6-v2, e5, bge, …):
/// tokenize, encode in length-sorted batches, pool, normalise — as `SentenceTransformer.encode`.
///
/// Calls are serialised (one forward pass at a time per embedder); each uses all of the embedder's
/// threads. The buffers are kept between calls.
public final class SentenceTransformerEmbedder: Embedder, @unchecked Sendable {
    public let directory: URL
    public let encoder: BertEncoder
    public let tokenizer: any Tokenizer
    public let configuration: SentenceTransformerConfig
    public let pooler: Pooler
    /// Inputs are truncated to this many tokens, special tokens included (`max_seq_length`).
    public let maxSequenceLength: Int
    /// Texts per forward pass (sentence-transformers' default is 32).
    public let batchSize: Int
    public let dimension: Int

    private let lock = NSLock()
    private var workspace: BertWorkspace

    /// - Parameters:
    ///   - threads: threads per forward pass (default: every core this process may use).
    ///   - maxSequenceLength: overrides `sentence_bert_config.json` (capped at `max_position_embeddings`).
    ///   - normalize: L2-normalise every vector even when the model has no `Normalize` module (the
    ///     ``Embedder`` contract); `false` leaves it to the model's modules, as sentence-transformers does.
    ///   - precision: `.bfloat16` rounds the inputs of the dense products (faster, slightly different vectors).
    public init(directory: URL, tokenizer: any Tokenizer, threads: Int = ThreadPool.availableProcessors,
                batchSize: Int = 32, maxSequenceLength: Int? = nil, normalize: Bool = true,
                precision: ComputePrecision = .float32) throws {
        guard batchSize >= 1 else { throw EmbedderError.invalidArgument("batchSize must be at least 1") }
        let configuration = try SentenceTransformerConfig.load(directory: directory)
        self.directory = directory
        self.configuration = configuration
        self.encoder = try BertEncoder(directory: configuration.transformerDirectory, precision: precision)
        self.tokenizer = tokenizer
        self.pooler = Pooler(config: configuration.pooling, normalize: configuration.normalize || normalize)
        let limit = encoder.config.maxPositionEmbeddings
        self.maxSequenceLength = min(maxSequenceLength ?? configuration.maxSeqLength ?? limit, limit)
        self.batchSize = batchSize
        self.dimension = pooler.outputDimension(hiddenSize: encoder.hiddenSize)
        self.workspace = BertWorkspace(threads: threads)
    }

    /// Loads the model and picks its tokenizer (see ``loadTokenizer(forModelAt:)``).
    public static func load(directory: URL, threads: Int = ThreadPool.availableProcessors,
                            batchSize: Int = 32, precision: ComputePrecision = .float32) throws -> SentenceTransformerEmbedder {
        try SentenceTransformerEmbedder(directory: directory, tokenizer: try loadTokenizer(forModelAt: directory),
                                        threads: threads, batchSize: batchSize, precision: precision)
    }

    /// Threads per forward pass.
    public var threadCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return workspace.threadCount
    }

    /// Changes the number of threads (the buffers are rebuilt on the next call).
    public func setThreadCount(_ threads: Int, denseParallelism: DenseParallelism = .threadPool) {
        lock.lock()
        defer { lock.unlock() }
        workspace = BertWorkspace(threads: max(1, threads), denseParallelism: denseParallelism)
    }

    public func embed(_ texts: [String], kind: EmbeddingKind) throws -> EmbeddingMatrix {
        var prompt: String?
        if case let .query(instruction) = kind, let instruction, !instruction.isEmpty { prompt = instruction }
        var inputs = prompt.map { p in texts.map { p + $0 } } ?? texts
        if configuration.doLowerCase { inputs = inputs.map { $0.lowercased() } }  // sentence_bert_config "do_lower_case"
        let sequences = inputs.map { tokenizer.encode($0, addSpecialTokens: true, maxLength: maxSequenceLength).ids }
        var promptLengths: [Int]?
        if let prompt, !pooler.config.includePrompt {
            // As sentence-transformers: the prompt's token count with special tokens, less the final one.
            let text = configuration.doLowerCase ? prompt.lowercased() : prompt
            let n = max(0, tokenizer.encode(text, addSpecialTokens: true, maxLength: nil).count - 1)
            promptLengths = [Int](repeating: n, count: texts.count)
        }
        return try embed(tokenIDs: sequences, promptLengths: promptLengths)
    }

    /// Embeds already tokenized texts (ids with special tokens, at most ``maxSequenceLength`` each).
    /// Sequences are sorted by length so each batch pads little; results come back in input order.
    public func embed(tokenIDs sequences: [[Int32]], promptLengths: [Int]? = nil) throws -> EmbeddingMatrix {
        if let promptLengths, promptLengths.count != sequences.count {
            throw EmbedderError.invalidArgument("\(promptLengths.count) prompt lengths for \(sequences.count) sequences")
        }
        if let long = sequences.firstIndex(where: { $0.count > maxSequenceLength }) {
            throw EmbedderError.invalidArgument("sequence \(long) has \(sequences[long].count) tokens, more than max_seq_length \(maxSequenceLength)")
        }
        lock.lock()
        defer { lock.unlock() }
        let padID = Int32(encoder.config.padTokenId ?? 0)
        return try embedInLengthSortedBatches(sequences, batchSize: batchSize, dimension: dimension, padID: padID) { batch, chunk, pooled in
            let output = try encoder.forward(batch, workspace: workspace)
            pooler.pool(output.lastHiddenState.view, batch: batch, promptLengths: promptLengths.map { p in chunk.map { p[$0] } },
                        into: pooled.mutableView)
        }
    }
}
