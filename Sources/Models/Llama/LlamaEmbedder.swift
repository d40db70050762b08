import Foundation
import ModelFiles
import Tensor
import Tokenizers

/// ReasonIR-8B (GritLM-style) embeddings from a Llama-family model: the text goes after an
/// instruction prompt, the model attends bidirectionally, the hidden states are mean-pooled over the
/// mask with the prompt's positions (BOS included) left out, and the result is L2-normalised.
///
/// Calls are serialised; each uses all of the embedder's threads.
public final class LlamaEmbedder: Embedder, @unchecked Sendable {
    public let model: LlamaModel
    public let tokenizer: any Tokenizer
    /// Used for queries that carry no instruction of their own (e.g. a BRIGHT task's).
    public let defaultQueryInstruction: String?
    /// Inputs (prompt included) are truncated to this many tokens.
    public let maxSequenceLength: Int
    /// Texts per forward pass.
    public let batchSize: Int
    public var dimension: Int { model.hiddenSize }

    private let lock = NSLock()
    private let workspace: LlamaWorkspace
    private let pooler = Pooler(config: PoolingConfig(modes: [.mean], includePrompt: false), normalize: true)

    /// The prompt before a query: `<|user|>\n{instruction}\n<|embed|>\n`, or the document prompt
    /// when there is no instruction (as GritLM formats it).
    public static func queryPrompt(instruction: String?) -> String {
        guard let instruction, !instruction.isEmpty else { return documentPrompt }
        return "<|user|>\n\(instruction)\n<|embed|>\n"
    }

    public static let documentPrompt = "<|embed|>\n"

    public init(model: LlamaModel, tokenizer: any Tokenizer, queryInstruction: String? = nil,
                threads: Int = ThreadPool.availableProcessors, batchSize: Int = 8, maxSequenceLength: Int? = nil) throws {
        guard batchSize >= 1 else { throw LlamaError.invalidArgument("batchSize must be at least 1") }
        if let maxSequenceLength, maxSequenceLength < 1 { throw LlamaError.invalidArgument("maxSequenceLength must be at least 1") }
        self.model = model
        self.tokenizer = tokenizer
        self.defaultQueryInstruction = queryInstruction
        self.batchSize = batchSize
        self.maxSequenceLength = min(maxSequenceLength ?? model.config.maxPositionEmbeddings, model.config.maxPositionEmbeddings)
        self.workspace = LlamaWorkspace(threads: threads)
    }

    /// An embedder whose queries get the instruction of BRIGHT task `task` (see ``BRIGHTInstructions``).
    public convenience init(model: LlamaModel, tokenizer: any Tokenizer, brightTask task: String,
                            threads: Int = ThreadPool.availableProcessors, batchSize: Int = 8) throws {
        guard let instruction = BRIGHTInstructions.query(forTask: task) else {
            throw LlamaError.invalidArgument("unknown BRIGHT task \"\(task)\"; known: \(BRIGHTInstructions.tasks.joined(separator: ", "))")
        }
        try self.init(model: model, tokenizer: tokenizer, queryInstruction: instruction, threads: threads, batchSize: batchSize)
    }

    /// The prompt a text of `kind` gets.
    public func prompt(for kind: EmbeddingKind) -> String {
        switch kind {
        case .document: return Self.documentPrompt
        case .query(let instruction): return Self.queryPrompt(instruction: instruction ?? defaultQueryInstruction)
        }
    }

    public func embed(_ texts: [String], kind: EmbeddingKind) throws -> EmbeddingMatrix {
        let prompt = prompt(for: kind)
        // The prompt's positions, BOS included, are left out of the mean.
        let skip = tokenizer.encode(prompt, addSpecialTokens: true, maxLength: nil).count
        let sequences = texts.map { tokenizer.encode(prompt + $0, addSpecialTokens: true, maxLength: maxSequenceLength).ids }
        return try embed(tokenIDs: sequences, promptLengths: [Int](repeating: skip, count: texts.count))
    }

    /// Embeds tokenized inputs (prompt + text, with BOS), leaving the first `promptLengths[i]`
    /// positions of input `i` out of the pooling. Batches are sorted by length; results come back in
    /// input order.
    public func embed(tokenIDs sequences: [[Int32]], promptLengths: [Int]) throws -> EmbeddingMatrix {
        guard promptLengths.count == sequences.count else {
            throw LlamaError.invalidArgument("\(promptLengths.count) prompt lengths for \(sequences.count) sequences")
        }
        if let long = sequences.firstIndex(where: { $0.count > maxSequenceLength }) {
            throw LlamaError.sequenceTooLong(length: sequences[long].count, maximum: maxSequenceLength)
        }
        if let empty = sequences.firstIndex(where: { $0.isEmpty }) {
            throw LlamaError.invalidArgument("sequence \(empty) has no tokens")
        }
        lock.lock()
        defer { lock.unlock() }
        return try embedInLengthSortedBatches(sequences, batchSize: batchSize, dimension: dimension, padID: 0) { batch, chunk, pooled in
            let output = try model.forward(batch, attention: .bidirectional, workspace: workspace)
            pooler.pool(output.lastHiddenState.view, batch: batch, promptLengths: chunk.map { promptLengths[$0] },
                        into: pooled.mutableView)
        }
    }
}
