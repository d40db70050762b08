import Foundation
import ModelFiles
import Models
import Tensor
import Tokenizers

/// A sentence-transformers BERT model (Transformer → Pooling → optional Normalize) with float32
/// weights it owns, a forward pass that keeps its activations, and the backward pass of every
/// operation (embeddings, masked self-attention, dense layers, erf/tanh GELU, LayerNorm, residuals,
/// pooling, L2 normalisation). Dropout is off (evaluation-mode forward, as the parity checks use).
///
/// Its forward pass computes what ``BertEncoder/forward(_:workspace:keepHiddenStates:)`` does with the same
/// kernels, laid out so that every block's inputs survive for the backward pass.
public final class BertTrainingModel: TrainableEncoder, @unchecked Sendable {
    public struct Layer {
        public let qkvWeight, qkvBias: Parameter
        public let attentionOutputWeight, attentionOutputBias: Parameter
        public let attentionNormWeight, attentionNormBias: Parameter
        public let intermediateWeight, intermediateBias: Parameter
        public let outputWeight, outputBias: Parameter
        public let outputNormWeight, outputNormBias: Parameter
    }

    public let source: URL
    public let config: BertConfig
    public let configuration: SentenceTransformerConfig
    public let tokenizer: any Tokenizer
    public let maxSequenceLength: Int
    public let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: Parameter
    public let embeddingNormWeight, embeddingNormBias: Parameter
    public let layers: [Layer]
    public let parameters: [Parameter]
    /// The weight-name prefix of the source file, kept when saving.
    public let weightPrefix: String
    public let pool: ThreadPool
    let pooler: Pooler
    let ones = Ones()
    let attentionScratch: [Matrix]

    /// Loads a sentence-transformers directory (or a plain BERT directory: mean pooling, no normalisation).
    public init(directory: URL, maxSequenceLength: Int? = nil, threads: Int = ThreadPool.availableProcessors) throws {
        let configuration = try SentenceTransformerConfig.load(directory: directory)
        let encoder = try BertEncoder(directory: configuration.transformerDirectory, precision: .float32)
        self.source = directory
        self.configuration = configuration
        self.config = encoder.config
        self.tokenizer = try loadTokenizer(forModelAt: directory)
        let limit = encoder.config.maxPositionEmbeddings
        self.maxSequenceLength = min(maxSequenceLength ?? configuration.maxSeqLength ?? limit, limit)
        self.weightPrefix = encoder.weightPrefix
        self.pooler = Pooler(config: configuration.pooling, normalize: false)
        self.pool = ThreadPool(threadCount: max(1, threads))
        attentionScratch = (0..<max(1, threads)).map { _ in Matrix(rows: 0, columns: 0) }

        let p = encoder.weightPrefix
        let e = encoder.embeddings
        wordEmbeddings = Parameter(name: p + "embeddings.word_embeddings.weight", tensor: e.word, decays: true)
        positionEmbeddings = Parameter(name: p + "embeddings.position_embeddings.weight", tensor: e.position, decays: true)
        tokenTypeEmbeddings = Parameter(name: p + "embeddings.token_type_embeddings.weight", tensor: e.tokenType, decays: true)
        embeddingNormWeight = Parameter(name: p + "embeddings.LayerNorm.weight", tensor: e.layerNormWeight, decays: false)
        embeddingNormBias = Parameter(name: p + "embeddings.LayerNorm.bias", tensor: e.layerNormBias, decays: false)
        layers = encoder.layers.enumerated().map { l, w in
            let n = p + "encoder.layer.\(l)."
            return Layer(
                qkvWeight: Parameter(name: n + "attention.self.qkv.weight", tensor: w.qkvWeight, decays: true),
                qkvBias: Parameter(name: n + "attention.self.qkv.bias", tensor: w.qkvBias, decays: false),
                attentionOutputWeight: Parameter(name: n + "attention.output.dense.weight", tensor: w.attentionOutputWeight, decays: true),
                attentionOutputBias: Parameter(name: n + "attention.output.dense.bias", tensor: w.attentionOutputBias, decays: false),
                attentionNormWeight: Parameter(name: n + "attention.output.LayerNorm.weight", tensor: w.attentionLayerNormWeight, decays: false),
                attentionNormBias: Parameter(name: n + "attention.output.LayerNorm.bias", tensor: w.attentionLayerNormBias, decays: false),
                intermediateWeight: Parameter(name: n + "intermediate.dense.weight", tensor: w.intermediateWeight, decays: true),
                intermediateBias: Parameter(name: n + "intermediate.dense.bias", tensor: w.intermediateBias, decays: false),
                outputWeight: Parameter(name: n + "output.dense.weight", tensor: w.outputWeight, decays: true),
                outputBias: Parameter(name: n + "output.dense.bias", tensor: w.outputBias, decays: false),
                outputNormWeight: Parameter(name: n + "output.LayerNorm.weight", tensor: w.outputLayerNormWeight, decays: false),
                outputNormBias: Parameter(name: n + "output.LayerNorm.bias", tensor: w.outputLayerNormBias, decays: false))
        }
        var all = [wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingNormWeight, embeddingNormBias]
        for l in layers {
            all += [l.qkvWeight, l.qkvBias, l.attentionOutputWeight, l.attentionOutputBias, l.attentionNormWeight,
                    l.attentionNormBias, l.intermediateWeight, l.intermediateBias, l.outputWeight, l.outputBias,
                    l.outputNormWeight, l.outputNormBias]
        }
        parameters = all
    }

    public var hiddenSize: Int { config.hiddenSize }
    public var dimension: Int { pooler.outputDimension(hiddenSize: config.hiddenSize) }
    var approximation: GELUApproximation { config.usesTanhGELU ? .tanh : .erf }

    public func tokenize(_ texts: [String]) -> TokenizedTexts {
        var truncated = 0
        let sequences = texts.map { text -> [Int32] in
            let input = configuration.doLowerCase ? text.lowercased() : text
            let full = tokenizer.encode(input, addSpecialTokens: true, maxLength: nil).ids
            if full.count <= maxSequenceLength { return full }
            truncated += 1
            return tokenizer.encode(input, addSpecialTokens: true, maxLength: maxSequenceLength).ids
        }
        return TokenizedTexts(batch: TokenBatch(sequences: sequences, padID: Int32(config.padTokenId ?? 0)), truncated: truncated)
    }

    // MARK: forward

    /// What one layer keeps for its backward pass.
    struct LayerTape {
        let input: Matrix
        let qkv: Matrix
        let attention: SelfAttentionRecord
        let context: Matrix
        let attentionNorm: LayerNormRecord
        let attentionOutput: Matrix
        let preActivation: Matrix
        let outputNorm: LayerNormRecord
    }

    /// What a forward pass keeps for its backward pass.
    public final class Tape {
        let batch: TokenBatch
        let embeddingNorm: LayerNormRecord
        let layers: [LayerTape]
        let lastHidden: Matrix
        let pooled: Matrix
        let normalized: Matrix?
        let norms: [Float]

        init(batch: TokenBatch, embeddingNorm: LayerNormRecord, layers: [LayerTape], lastHidden: Matrix, pooled: Matrix,
             normalized: Matrix?, norms: [Float]) {
            self.batch = batch
            self.embeddingNorm = embeddingNorm
            self.layers = layers
            self.lastHidden = lastHidden
            self.pooled = pooled
            self.normalized = normalized
            self.norms = norms
        }
    }

    public func encode(_ batch: TokenBatch, keepTape: Bool) throws -> (embeddings: Matrix, tape: Tape?) {
        try check(batch)
        let B = batch.batchSize, T = batch.sequenceLength, H = config.hiddenSize, I = config.intermediateSize
        let M = B * T
        BLAS.threadCount = 1
        // Embeddings: LayerNorm((word + type) + position), Hugging Face's order.
        let sum = Matrix(rows: M, columns: H)
        let word = wordEmbeddings.value.storage, position = positionEmbeddings.value.storage, type = tokenTypeEmbeddings.value.storage
        for r in 0..<M {
            let out = sum.storage + r * H
            out.update(from: word + Int(batch.inputIDs[r]) * H, count: H)
            Ops.add(out, type + Int(batch.tokenTypeIDs[r]) * H, position + (r % T) * H, count: H)
        }
        var hidden = Matrix(rows: M, columns: H)
        let embeddingNorm = LayerNormRecord.forward(sum, gamma: embeddingNormWeight, beta: embeddingNormBias,
                                                    epsilon: config.layerNormEps, into: hidden.mutableView, pool: pool)
        let ends = (0..<B).map { batch.tokenEnd($0) }
        var tapes: [LayerTape] = []
        for layer in layers {
            let input = hidden
            let qkv = Matrix(rows: M, columns: 3 * H)
            Linear.forward(input.view, weight: layer.qkvWeight, bias: layer.qkvBias, into: qkv.mutableView, pool: pool)
            let context = Matrix(rows: M, columns: H)
            let attention = SelfAttentionRecord.forward(qkv: qkv.view, batch: batch, ends: ends, heads: config.numAttentionHeads,
                                                        into: context.mutableView, pool: pool)
            let pre1 = Matrix(rows: M, columns: H)
            Linear.forward(context.view, weight: layer.attentionOutputWeight, bias: layer.attentionOutputBias, into: pre1.mutableView, pool: pool)
            addInPlace(pre1.mutableView, input.view)
            let x1 = Matrix(rows: M, columns: H)
            let norm1 = LayerNormRecord.forward(pre1, gamma: layer.attentionNormWeight, beta: layer.attentionNormBias,
                                                epsilon: config.layerNormEps, into: x1.mutableView, pool: pool)
            let u = Matrix(rows: M, columns: I)
            Linear.forward(x1.view, weight: layer.intermediateWeight, bias: layer.intermediateBias, into: u.mutableView, pool: pool)
            let g = Matrix(copying: u.view)
            Ops.addBiasGELU(g.mutableView, approximation: approximation, pool: pool)
            let pre2 = Matrix(rows: M, columns: H)
            Linear.forward(g.view, weight: layer.outputWeight, bias: layer.outputBias, into: pre2.mutableView, pool: pool)
            addInPlace(pre2.mutableView, x1.view)
            let out = Matrix(rows: M, columns: H)
            let norm2 = LayerNormRecord.forward(pre2, gamma: layer.outputNormWeight, beta: layer.outputNormBias,
                                                epsilon: config.layerNormEps, into: out.mutableView, pool: pool)
            if keepTape {
                tapes.append(LayerTape(input: input, qkv: qkv, attention: attention, context: context, attentionNorm: norm1,
                                       attentionOutput: x1, preActivation: u, outputNorm: norm2))
            }
            hidden = out
        }
        let pooled = Matrix(rows: B, columns: dimension)
        pooler.pool(hidden.view, batch: batch, into: pooled.mutableView)
        var normalized: Matrix?, norms: [Float] = []
        if configuration.normalize {
            let n = Matrix(rows: B, columns: dimension)
            norms = L2Normalization.forward(pooled.view, into: n.mutableView)
            normalized = n
        }
        let tape = keepTape ? Tape(batch: batch, embeddingNorm: embeddingNorm, layers: tapes, lastHidden: hidden, pooled: pooled,
                                   normalized: normalized, norms: norms) : nil
        return (normalized ?? pooled, tape)
    }

    private func check(_ batch: TokenBatch) throws {
        guard batch.sequenceLength <= config.maxPositionEmbeddings else {
            throw EncoderError.sequenceTooLong(length: batch.sequenceLength, maximum: config.maxPositionEmbeddings)
        }
        let T = max(batch.sequenceLength, 1)
        for (i, id) in batch.inputIDs.enumerated() where id < 0 || Int(id) >= config.vocabSize {
            throw EncoderError.tokenOutOfRange(sequence: i / T, position: i % T, id: id, vocabularySize: config.vocabSize)
        }
        for (i, tt) in batch.tokenTypeIDs.enumerated() where tt < 0 || Int(tt) >= config.typeVocabSize {
            throw EncoderError.tokenTypeOutOfRange(sequence: i / T, position: i % T, type: tt, typeVocabularySize: config.typeVocabSize)
        }
    }

    // MARK: backward

    public func backward(_ tape: Tape, embeddingGradient: MatrixView) {
        let batch = tape.batch
        let B = batch.batchSize, T = batch.sequenceLength, H = config.hiddenSize, I = config.intermediateSize
        let M = B * T
        precondition(embeddingGradient.rows == B && embeddingGradient.columns == dimension, "embedding gradient has the wrong shape")
        BLAS.threadCount = 1
        var dPooled = embeddingGradient
        let dNormalized = Matrix(rows: B, columns: dimension)
        if let normalized = tape.normalized {
            L2Normalization.backward(output: normalized.view, norms: tape.norms, dOutput: embeddingGradient, into: dNormalized.mutableView)
            dPooled = dNormalized.view
        }
        let dHidden = Matrix(rows: M, columns: H)
        PoolingBackward.apply(configuration.pooling, hidden: tape.lastHidden.view, batch: batch, dPooled: dPooled,
                              into: dHidden.mutableView)
        let dPre2 = Matrix(rows: M, columns: H), dPre1 = Matrix(rows: M, columns: H), dX1 = Matrix(rows: M, columns: H)
        let dContext = Matrix(rows: M, columns: H)
        let dU = Matrix(rows: M, columns: I), g = Matrix(rows: M, columns: I)
        let dqkv = Matrix(rows: M, columns: 3 * H)
        for (layer, saved) in zip(layers, tape.layers).reversed() {
            // out = LN2(g · W2ᵀ + b2 + x1), g = gelu(u)
            saved.outputNorm.backward(dHidden.view, gamma: layer.outputNormWeight, beta: layer.outputNormBias, into: dPre2.mutableView)
            g.mutableView.copy(from: saved.preActivation.view)
            Ops.addBiasGELU(g.mutableView, approximation: approximation, pool: pool)
            Linear.backward(dPre2.view, x: g.view, weight: layer.outputWeight, bias: layer.outputBias, dx: dU.mutableView,
                            ones: ones, pool: pool)
            GELUBackward.apply(input: saved.preActivation.view, grad: dU.mutableView, approximation: approximation, pool: pool)
            // u = x1 · W1ᵀ + b1; x1 also feeds the residual.
            dX1.mutableView.copy(from: dPre2.view)
            Linear.backward(dU.view, x: saved.attentionOutput.view, weight: layer.intermediateWeight, bias: layer.intermediateBias,
                            dx: dX1.mutableView, accumulate: true, ones: ones, pool: pool)
            // x1 = LN1(context · Woᵀ + bo + input)
            saved.attentionNorm.backward(dX1.view, gamma: layer.attentionNormWeight, beta: layer.attentionNormBias, into: dPre1.mutableView)
            Linear.backward(dPre1.view, x: saved.context.view, weight: layer.attentionOutputWeight, bias: layer.attentionOutputBias,
                            dx: dContext.mutableView, ones: ones, pool: pool)
            saved.attention.backward(qkv: saved.qkv.view, dContext: dContext.view, into: dqkv.mutableView, scratch: attentionScratch, pool: pool)
            // qkv = input · Wqkvᵀ + bqkv; input also feeds the residual: dInput = dPre1 + dqkv · Wqkv.
            dHidden.mutableView.copy(from: dPre1.view)
            Linear.backward(dqkv.view, x: saved.input.view, weight: layer.qkvWeight, bias: layer.qkvBias,
                            dx: dHidden.mutableView, accumulate: true, ones: ones, pool: pool)
        }
        // Embeddings: sum = word[id] + type[tt] + position[t]; LN.
        let dSum = dPre1
        tape.embeddingNorm.backward(dHidden.view, gamma: embeddingNormWeight, beta: embeddingNormBias, into: dSum.mutableView)
        let dWord = wordEmbeddings.gradient.storage, dPosition = positionEmbeddings.gradient.storage
        let dType = tokenTypeEmbeddings.gradient.storage
        for r in 0..<M where batch.attentionMask[r] != 0 {
            let src = dSum.storage + r * H
            let w = dWord + Int(batch.inputIDs[r]) * H, p = dPosition + (r % T) * H, t = dType + Int(batch.tokenTypeIDs[r]) * H
            for i in 0..<H {
                w[i] += src[i]
                p[i] += src[i]
                t[i] += src[i]
            }
        }
    }

    /// Each parameter's values (`\.value`) or gradient (`\.gradient`) under Hugging Face's names: the
    /// fused Q/K/V rows split into `query`, `key` and `value` again.
    public func huggingFaceTensors(_ which: KeyPath<Parameter, Matrix>) -> [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] {
        let H = hiddenSize
        var out: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = []
        for p in parameters {
            let values = UnsafeBufferPointer(start: UnsafePointer(p[keyPath: which].storage), count: p.count)
            let isWeight = p.name.hasSuffix("attention.self.qkv.weight")
            guard isWeight || p.name.hasSuffix("attention.self.qkv.bias") else {
                out.append((p.name, p.shape, values))
                continue
            }
            let stem = String(p.name.dropLast(isWeight ? "qkv.weight".count : "qkv.bias".count))
            let part = isWeight ? H * H : H
            for (i, which) in ["query", "key", "value"].enumerated() {
                out.append((stem + which + (isWeight ? ".weight" : ".bias"), isWeight ? [H, H] : [H],
                            UnsafeBufferPointer(rebasing: values[(i * part)..<((i + 1) * part)])))
            }
        }
        return out
    }

    public func save(to directory: URL) throws {
        try SentenceTransformerSaving.save(self, to: directory)
    }
}
