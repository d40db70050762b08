import Foundation
import ModelFiles
import Tensor

/// Errors from running an encoder on bad input.
public enum EncoderError: Error, Equatable, Sendable, CustomStringConvertible {
    case tokenOutOfRange(sequence: Int, position: Int, id: Int32, vocabularySize: Int)
    case tokenTypeOutOfRange(sequence: Int, position: Int, type: Int32, typeVocabularySize: Int)
    case sequenceTooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(s, p, id, v): return "token id \(id) at sequence \(s), position \(p) is outside the vocabulary (size \(v))"
        case let .tokenTypeOutOfRange(s, p, t, v): return "token type \(t) at sequence \(s), position \(p) is outside 0..<\(v)"
        case let .sequenceTooLong(l, m): return "sequence length \(l) exceeds max_position_embeddings \(m)"
        }
    }
}

/// The weights of the BERT embeddings block.
public struct BertEmbeddingWeights: Sendable {
    public let word: FloatTensor          // [vocab, H]
    public let position: FloatTensor      // [max positions, H]
    public let tokenType: FloatTensor     // [type vocab, H]
    public let layerNormWeight: FloatTensor
    public let layerNormBias: FloatTensor
}

/// The weights of one encoder layer (Hugging Face `BertLayer`). Linear weights are `[out, in]`, as
/// PyTorch stores them. Query, key and value are fused into one `[3H, H]` matrix (and `[3H]` bias)
/// so their projection is a single product.
public struct BertLayerWeights: Sendable {
    public let qkvWeight: FloatTensor
    public let qkvBias: FloatTensor
    public let attentionOutputWeight: FloatTensor
    public let attentionOutputBias: FloatTensor
    public let attentionLayerNormWeight: FloatTensor
    public let attentionLayerNormBias: FloatTensor
    public let intermediateWeight: FloatTensor   // [I, H]
    public let intermediateBias: FloatTensor
    public let outputWeight: FloatTensor         // [H, I]
    public let outputBias: FloatTensor
    public let outputLayerNormWeight: FloatTensor
    public let outputLayerNormBias: FloatTensor
}

/// What ``BertEncoder/forward(_:workspace:keepHiddenStates:)`` returns.
public struct BertOutput {
    public let batchSize: Int
    public let sequenceLength: Int
    /// `[batchSize · sequenceLength, hidden]`, row `b · sequenceLength + t` for token `t` of sequence `b`.
    /// Rows after a sequence's last real token are unspecified (they never influence real tokens).
    /// This is the workspace's buffer: valid until the workspace's next forward pass.
    public let lastHiddenState: Matrix
    /// With `keepHiddenStates`: the embeddings output and each layer's output (copies), as Hugging Face's
    /// `hidden_states` (count = layers + 1).
    public let hiddenStates: [Matrix]?

    /// Token `t` of sequence `b` of the last hidden state.
    public func token(_ b: Int, _ t: Int) -> UnsafeMutableBufferPointer<Float> { lastHiddenState.row(b * sequenceLength + t) }
}

/// How the dense (token × weight) products use several threads.
public enum DenseParallelism: Sendable {
    /// Split each product over the workspace's thread pool, OpenBLAS single-threaded.
    case threadPool
    /// One product at a time on OpenBLAS's own threads (set to the workspace's thread count).
    case openBLAS
}

/// Reusable buffers and threads for encoder forward passes. One workspace serves one forward pass at
/// a time; buffers grow to the largest batch seen and are then reused without allocating.
public final class BertWorkspace: @unchecked Sendable {
    public let pool: ThreadPool
    public var denseParallelism: DenseParallelism
    var hidden = Matrix(rows: 0, columns: 0)
    var qkv = Matrix(rows: 0, columns: 0)
    var context = Matrix(rows: 0, columns: 0)
    var projected = Matrix(rows: 0, columns: 0)
    var intermediate = Matrix(rows: 0, columns: 0)
    var scores: [Matrix]
    /// bfloat16 inputs of the dense products, and one per worker for attention's.
    let rounded = BFloat16Scratch()
    let attentionRounded: [BFloat16Scratch]

    /// `threads`: how many threads the forward pass uses (the caller's included).
    public init(threads: Int = 1, denseParallelism: DenseParallelism = .threadPool) {
        pool = ThreadPool(threadCount: max(1, threads))
        self.denseParallelism = denseParallelism
        scores = (0..<max(1, threads)).map { _ in Matrix(rows: 0, columns: 0) }
        attentionRounded = (0..<max(1, threads)).map { _ in BFloat16Scratch() }
    }

    public var threadCount: Int { pool.threadCount }
}

/// The weights of one layer's dense products packed for bfloat16 products (``ComputePrecision/bfloat16``).
struct BertPackedLayer: Sendable {
    let qkv: BFloat16PackedMatrix
    let attentionOutput: BFloat16PackedMatrix
    let intermediate: BFloat16PackedMatrix
    let output: BFloat16PackedMatrix

    init(_ layer: BertLayerWeights) {
        qkv = BFloat16PackedMatrix(packing: layer.qkvWeight.matrix)
        attentionOutput = BFloat16PackedMatrix(packing: layer.attentionOutputWeight.matrix)
        intermediate = BFloat16PackedMatrix(packing: layer.intermediateWeight.matrix)
        output = BFloat16PackedMatrix(packing: layer.outputWeight.matrix)
    }
}

/// A BERT encoder (Hugging Face `BertModel` without the pooler): word + position + token type
/// embeddings and LayerNorm, then post-LN layers of masked multi-head self-attention and an
/// erf-GELU feed-forward block. Weights stay in the memory-mapped safetensors file, except the fused
/// query/key/value matrices.
///
/// The forward pass is three blocks per layer (`embed`, `attentionBlock`, `feedForwardBlock`), each
/// reading and writing the workspace's buffers. A backward pass would keep, per layer, the block
/// inputs (`keepHiddenStates` already copies the layer outputs), the fused Q/K/V projections, the
/// attention probabilities, the pre-GELU activations and the LayerNorm statistics
/// (``Ops/addLayerNorm(into:_:bias:residual:gamma:beta:epsilon:mean:reciprocalStd:pool:)`` can
/// return them); nothing here discards what it would need beyond reusing the buffers.
public final class BertEncoder: Sendable {
    public let config: BertConfig
    public let embeddings: BertEmbeddingWeights
    public let layers: [BertLayerWeights]
    /// The weight-name prefix found in the file ("" for `BertModel`, "bert." for task heads).
    public let weightPrefix: String
    /// What the matrix products (dense layers and attention) round their inputs to; softmax, LayerNorm,
    /// GELU and every sum stay in float32.
    public let precision: ComputePrecision
    private let packedLayers: [BertPackedLayer]

    /// Loads `config.json` and the safetensors weights from a model directory.
    public convenience init(directory: URL, precision: ComputePrecision = .float32) throws {
        let config = try BertConfig.load(from: directory.appendingPathComponent("config.json"))
        try self.init(config: config, weights: try SafetensorsWeights(directory: directory), precision: precision)
    }

    public init(config: BertConfig, weights: SafetensorsWeights, precision: ComputePrecision = .float32) throws {
        self.config = config
        self.precision = precision
        let H = config.hiddenSize, I = config.intermediateSize
        let prefix = ["", "bert.", "model."].first { weights.contains($0 + "embeddings.word_embeddings.weight") } ?? ""
        weightPrefix = prefix
        func tensor(_ name: String, _ shape: [Int]) throws -> FloatTensor {
            try weights.floatTensor(prefix + name, shape: shape)
        }
        /// LayerNorm parameters: `weight`/`bias`, or `gamma`/`beta` in checkpoints converted from TensorFlow.
        func norm(_ base: String) throws -> (FloatTensor, FloatTensor) {
            if !weights.contains(prefix + base + ".weight") && weights.contains(prefix + base + ".gamma") {
                return (try tensor(base + ".gamma", [H]), try tensor(base + ".beta", [H]))
            }
            return (try tensor(base + ".weight", [H]), try tensor(base + ".bias", [H]))
        }
        let (embNormW, embNormB) = try norm("embeddings.LayerNorm")
        embeddings = BertEmbeddingWeights(
            word: try tensor("embeddings.word_embeddings.weight", [config.vocabSize, H]),
            position: try tensor("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, H]),
            tokenType: try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, H]),
            layerNormWeight: embNormW, layerNormBias: embNormB)

        var layers: [BertLayerWeights] = []
        for l in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(l)."
            let q = try tensor(p + "attention.self.query.weight", [H, H])
            let k = try tensor(p + "attention.self.key.weight", [H, H])
            let v = try tensor(p + "attention.self.value.weight", [H, H])
            let qb = try tensor(p + "attention.self.query.bias", [H])
            let kb = try tensor(p + "attention.self.key.bias", [H])
            let vb = try tensor(p + "attention.self.value.bias", [H])
            let qkv = Matrix(rows: 3 * H, columns: H)
            let qkvBias = Matrix(rows: 1, columns: 3 * H)
            for (i, (w, b)) in [(q, qb), (k, kb), (v, vb)].enumerated() {
                (qkv.storage + i * H * H).update(from: w.pointer, count: H * H)
                (qkvBias.storage + i * H).update(from: b.pointer, count: H)
            }
            let (attnNormW, attnNormB) = try norm(p + "attention.output.LayerNorm")
            let (outNormW, outNormB) = try norm(p + "output.LayerNorm")
            layers.append(BertLayerWeights(
                qkvWeight: FloatTensor(shape: [3 * H, H], matrix: qkv),
                qkvBias: FloatTensor(shape: [3 * H], matrix: qkvBias),
                attentionOutputWeight: try tensor(p + "attention.output.dense.weight", [H, H]),
                attentionOutputBias: try tensor(p + "attention.output.dense.bias", [H]),
                attentionLayerNormWeight: attnNormW, attentionLayerNormBias: attnNormB,
                intermediateWeight: try tensor(p + "intermediate.dense.weight", [I, H]),
                intermediateBias: try tensor(p + "intermediate.dense.bias", [I]),
                outputWeight: try tensor(p + "output.dense.weight", [H, I]),
                outputBias: try tensor(p + "output.dense.bias", [H]),
                outputLayerNormWeight: outNormW, outputLayerNormBias: outNormB))
        }
        self.layers = layers
        packedLayers = precision == .bfloat16 ? layers.map(BertPackedLayer.init) : []
    }

    public var hiddenSize: Int { config.hiddenSize }

    /// Runs the encoder on a padded batch. Padding positions (mask 0) are excluded from attention as
    /// keys, as Hugging Face does with its additive mask.
    public func forward(_ batch: TokenBatch, workspace: BertWorkspace, keepHiddenStates: Bool = false) throws -> BertOutput {
        try check(batch)
        let B = batch.batchSize, T = batch.sequenceLength, H = config.hiddenSize, I = config.intermediateSize
        let M = B * T
        let ws = workspace
        ws.hidden.resize(rows: M, columns: H)
        ws.qkv.resize(rows: M, columns: 3 * H)
        ws.context.resize(rows: M, columns: H)
        ws.projected.resize(rows: M, columns: H)
        ws.intermediate.resize(rows: M, columns: I)
        for s in ws.scores { s.resize(rows: T, columns: T) }
        // OpenBLAS runs single-threaded while our pool splits work; `.openBLAS` raises it around dense products.
        BLAS.threadCount = 1

        var hiddenStates: [Matrix]? = keepHiddenStates ? [] : nil
        embed(batch, into: ws.hidden, pool: ws.pool)
        hiddenStates?.append(Matrix(copying: ws.hidden.view))
        let ends = (0..<B).map { batch.tokenEnd($0) }
        for (l, layer) in layers.enumerated() {
            let packed = packedLayers.isEmpty ? nil : packedLayers[l]
            attentionBlock(layer, packed: packed, batch: batch, ends: ends, workspace: ws)
            feedForwardBlock(layer, packed: packed, workspace: ws)
            hiddenStates?.append(Matrix(copying: ws.hidden.view))
        }
        return BertOutput(batchSize: B, sequenceLength: T, lastHiddenState: ws.hidden, hiddenStates: hiddenStates)
    }

    /// A forward pass with a workspace of its own (convenient for one-off calls and tests).
    public func forward(_ batch: TokenBatch, threads: Int = 1, keepHiddenStates: Bool = false) throws -> BertOutput {
        try forward(batch, workspace: BertWorkspace(threads: threads), keepHiddenStates: keepHiddenStates)
    }

    private func check(_ batch: TokenBatch) throws {
        guard batch.sequenceLength <= config.maxPositionEmbeddings else {
            throw EncoderError.sequenceTooLong(length: batch.sequenceLength, maximum: config.maxPositionEmbeddings)
        }
        let T = batch.sequenceLength
        for (i, id) in batch.inputIDs.enumerated() where id < 0 || Int(id) >= config.vocabSize {
            throw EncoderError.tokenOutOfRange(sequence: i / max(T, 1), position: i % max(T, 1), id: id, vocabularySize: config.vocabSize)
        }
        for (i, tt) in batch.tokenTypeIDs.enumerated() where tt < 0 || Int(tt) >= config.typeVocabSize {
            throw EncoderError.tokenTypeOutOfRange(sequence: i / max(T, 1), position: i % max(T, 1), type: tt, typeVocabularySize: config.typeVocabSize)
        }
    }

    // MARK: blocks (each reads and writes the workspace; a backward pass would keep their inputs)

    /// hidden = LayerNorm(word[id] + position[t] + tokenType[type]).
    func embed(_ batch: TokenBatch, into hidden: Matrix, pool: ThreadPool) {
        let H = config.hiddenSize, T = batch.sequenceLength
        let word = embeddings.word.pointer, position = embeddings.position.pointer, type = embeddings.tokenType.pointer
        batch.inputIDs.withUnsafeBufferPointer { ids in
            batch.tokenTypeIDs.withUnsafeBufferPointer { types in
                for r in 0..<(batch.batchSize * T) {
                    let out = hidden.storage + r * H
                    out.update(from: word + Int(ids[r]) * H, count: H)
                    Ops.add(out, type + Int(types[r]) * H, position + (r % T) * H, count: H)  // HF order: (word + type) + position
                }
            }
        }
        Ops.addLayerNorm(into: hidden.mutableView, hidden.view, gamma: embeddings.layerNormWeight.pointer,
                         beta: embeddings.layerNormBias.pointer, epsilon: config.layerNormEps, pool: pool)
    }

    /// hidden = LayerNorm(hidden + SelfAttention(hidden) · Wo + bo).
    func attentionBlock(_ layer: BertLayerWeights, packed: BertPackedLayer?, batch: TokenBatch, ends: [Int], workspace ws: BertWorkspace) {
        let H = config.hiddenSize, heads = config.numAttentionHeads, d = config.headDimension
        let T = batch.sequenceLength
        let qkv = ws.qkv.mutableView, context = ws.context.mutableView
        let qkvBias = layer.qkvBias.pointer
        // bfloat16 products add the bias as they store; float32 ones leave it to the heads below.
        dense(ws.hidden.view, layer.qkvWeight.matrix, packed?.qkv, bias: qkvBias, into: qkv, ws)

        let scale = 1 / Float(d).squareRoot()
        BLAS.threadCount = 1
        ws.pool.parallelFor(batch.batchSize * heads) { task, worker in
            let b = task / heads, h = task % heads
            let L = ends[b]
            let rows = qkv.rows((b * T)..<(b * T + L))
            let q = rows.columns((h * d)..<(h * d + d))
            let k = rows.columns((H + h * d)..<(H + h * d + d))
            let v = rows.columns((2 * H + h * d)..<(2 * H + h * d + d))
            if packed == nil {
                // The projection bias, added here where this task's slice is hot in cache.
                Ops.addBias(q, qkvBias + h * d)
                Ops.addBias(k, qkvBias + H + h * d)
                Ops.addBias(v, qkvBias + 2 * H + h * d)
            }
            let out = context.rows((b * T)..<(b * T + T)).columns((h * d)..<(h * d + d))
            if L < T { out.rows(L..<T).fill(0) }
            guard L > 0 else { return }
            let s = ws.scores[worker]
            let scores = MutableMatrixView(base: s.storage, rows: L, columns: L)
            let rounded = ws.attentionRounded[worker]
            if packed != nil {
                BFloat16Products.multiply(q.view, k.view, transposeB: true, into: scores, alpha: scale, scratch: rounded)
            } else {
                BLAS.gemm(q.view, k.view, transposeB: true, into: scores, alpha: scale)
            }
            // Padding inside the sequence (a mask that is not a prefix) is excluded as a key.
            for t in 0..<L where !batch.isToken(b, t) {
                for r in 0..<L { scores[r, t] = -.infinity }
            }
            if packed != nil {
                let probabilities = rounded.roundedRows(L, columns: L)
                Ops.softmaxRows(scores, roundedInto: probabilities)
                BFloat16Products.multiply(probabilities, v.view, transposeB: false, into: out.rows(0..<L), scratch: rounded)
            } else {
                Ops.softmaxRows(scores)
                BLAS.gemm(scores.view, v.view, into: out.rows(0..<L))
            }
        }
        dense(ws.context.view, layer.attentionOutputWeight.matrix, packed?.attentionOutput, into: ws.projected.mutableView, ws)
        Ops.addLayerNorm(into: ws.hidden.mutableView, ws.projected.view, bias: layer.attentionOutputBias.pointer,
                         residual: ws.hidden.view, gamma: layer.attentionLayerNormWeight.pointer,
                         beta: layer.attentionLayerNormBias.pointer, epsilon: config.layerNormEps, pool: ws.pool)
    }

    /// hidden = LayerNorm(hidden + GELU(hidden · W1 + b1) · W2 + b2).
    func feedForwardBlock(_ layer: BertLayerWeights, packed: BertPackedLayer?, workspace ws: BertWorkspace) {
        dense(ws.hidden.view, layer.intermediateWeight.matrix, packed?.intermediate, into: ws.intermediate.mutableView, ws)
        let approximation: GELUApproximation = config.usesTanhGELU ? .tanh : .erf
        if let packed {
            // GELU writes its output already rounded for the second product.
            let rounded = ws.rounded.roundedRows(ws.intermediate.rows, columns: ws.intermediate.columns)
            Ops.addBiasGELU(ws.intermediate.mutableView, bias: layer.intermediateBias.pointer, approximation: approximation,
                            roundedInto: rounded, pool: ws.pool)
            BFloat16Products.multiply(rounded, packed.output, into: ws.projected.mutableView, pool: ws.pool)
        } else {
            Ops.addBiasGELU(ws.intermediate.mutableView, bias: layer.intermediateBias.pointer, approximation: approximation, pool: ws.pool)
            dense(ws.intermediate.view, layer.outputWeight.matrix, nil, into: ws.projected.mutableView, ws)
        }
        Ops.addLayerNorm(into: ws.hidden.mutableView, ws.projected.view, bias: layer.outputBias.pointer,
                         residual: ws.hidden.view, gamma: layer.outputLayerNormWeight.pointer,
                         beta: layer.outputLayerNormBias.pointer, epsilon: config.layerNormEps, pool: ws.pool)
    }

    /// out = x · Wᵀ (W stored `[out, in]`), spread over the workspace's threads; in bfloat16 when
    /// `packed` (W's packed copy) is given, and then `+ bias` too (float32 callers add their bias later).
    private func dense(_ x: MatrixView, _ w: MatrixView, _ packed: BFloat16PackedMatrix?, bias: UnsafePointer<Float>? = nil,
                       into out: MutableMatrixView, _ ws: BertWorkspace) {
        if let packed {
            BFloat16Products.multiply(x, packed, into: out, bias: bias, scratch: ws.rounded, pool: ws.pool)
            return
        }
        switch ws.denseParallelism {
        case .threadPool:
            BLAS.gemm(x, w, transposeB: true, into: out, pool: ws.pool)
        case .openBLAS:
            BLAS.threadCount = ws.threadCount
            BLAS.gemm(x, w, transposeB: true, into: out)
            BLAS.threadCount = 1
        }
    }
}

