import Foundation
import ModelFiles
import Tensor

/// Which keys a token attends to.
public enum AttentionMask: Sendable, Equatable {
    /// Every earlier token and itself (a language model).
    case causal
    /// Every token of the sequence (ReasonIR/GritLM embeddings).
    case bidirectional
}

/// Reusable buffers and threads for Llama forward passes (one pass at a time per workspace).
public final class LlamaWorkspace: @unchecked Sendable {
    public let pool: ThreadPool
    let hidden = Matrix(rows: 0, columns: 0)
    let normed = Matrix(rows: 0, columns: 0)
    let query = Matrix(rows: 0, columns: 0)
    let key = Matrix(rows: 0, columns: 0)
    let value = Matrix(rows: 0, columns: 0)
    let context = Matrix(rows: 0, columns: 0)
    let projected = Matrix(rows: 0, columns: 0)
    let gate = Matrix(rows: 0, columns: 0)
    let up = Matrix(rows: 0, columns: 0)
    let cos = Matrix(rows: 0, columns: 0)
    let sin = Matrix(rows: 0, columns: 0)
    let logits = Matrix(rows: 0, columns: 0)
    let scores: [Matrix]

    /// `threads`: how many threads a pass uses (the caller's included).
    public init(threads: Int = ThreadPool.availableProcessors) {
        pool = ThreadPool(threadCount: max(1, threads))
        scores = (0..<max(1, threads)).map { _ in Matrix(rows: 0, columns: 0) }
    }

    public var threadCount: Int { pool.threadCount }
}

/// What ``LlamaModel/forward(_:attention:workspace:keepLayerOutputs:)`` returns.
public struct LlamaOutput {
    public let batchSize: Int
    public let sequenceLength: Int
    /// `[batchSize · sequenceLength, hidden]` after the final norm, row `b · sequenceLength + t`.
    /// Rows after a sequence's last real token are unspecified. The workspace's buffer: valid until
    /// its next pass.
    public let lastHiddenState: Matrix
    /// With `keepLayerOutputs`: the token embeddings and the residual stream after each layer
    /// (before the final norm), copies, `layers + 1` of them.
    public let layerOutputs: [Matrix]?
}

/// A Llama-family decoder (Llama 2/3, SmolLM, Qwen2): token embeddings, pre-norm layers of
/// grouped-query attention with RoPE and a SwiGLU MLP, a final RMSNorm and an optional LM head.
/// It runs padded batches with a causal or bidirectional mask (embeddings), and single sequences
/// incrementally through a ``LlamaKVCache`` (generation).
public final class LlamaModel: Sendable {
    public let config: LlamaConfig
    public let weights: LlamaWeights
    let rope: RotaryEmbedding

    /// Loads `config.json` and the safetensors weights (single file or sharded) from a model directory.
    public convenience init(directory: URL) throws {
        let config = try LlamaConfig.load(from: directory.appendingPathComponent("config.json"))
        try self.init(config: config, weights: LlamaWeights(safetensors: SafetensorsWeights(directory: directory), config: config))
    }

    public init(config: LlamaConfig, weights: LlamaWeights) throws {
        try config.validate(path: "model config")
        guard weights.layers.count == config.numHiddenLayers else {
            throw LlamaError.invalidArgument("\(weights.layers.count) layers of weights for num_hidden_layers \(config.numHiddenLayers)")
        }
        self.config = config
        self.weights = weights
        rope = RotaryEmbedding(config: config)
    }

    public var hiddenSize: Int { config.hiddenSize }

    // MARK: batches

    /// Runs a right-padded batch. Padding (mask 0) is never attended to; positions are 0, 1, … in
    /// every row, as Hugging Face numbers a right-padded batch.
    public func forward(_ batch: TokenBatch, attention: AttentionMask, workspace ws: LlamaWorkspace,
                        keepLayerOutputs: Bool = false) throws -> LlamaOutput {
        let B = batch.batchSize, T = batch.sequenceLength
        guard B > 0, T > 0 else { throw LlamaError.emptyInput }
        guard T <= config.maxPositionEmbeddings else {
            throw LlamaError.sequenceTooLong(length: T, maximum: config.maxPositionEmbeddings)
        }
        try checkIDs(batch.inputIDs, rowLength: T)
        BLAS.threadCount = 1  // our pool splits the products
        embed(batch.inputIDs, into: ws)
        rope.tables(first: 0, count: T, cos: ws.cos, sin: ws.sin)
        let segments = (0..<B).map { b in
            Segment(rows: (b * T)..<(b * T + batch.tokenEnd(b)), paddedEnd: b * T + T, firstPosition: 0,
                    maskOffset: b * T)
        }
        var outputs: [Matrix]? = keepLayerOutputs ? [Matrix(copying: ws.hidden.view)] : nil
        for l in 0..<config.numHiddenLayers {
            layer(l, segments: segments, causal: attention == .causal, mask: batch.attentionMask,
                  tableRow: { $0 % T }, cache: nil, ws: ws)
            outputs?.append(Matrix(copying: ws.hidden.view))
        }
        rmsNorm(ws.hidden.view, weights.finalNorm, into: ws.hidden.mutableView, pool: ws.pool)
        return LlamaOutput(batchSize: B, sequenceLength: T, lastHiddenState: ws.hidden, layerOutputs: outputs)
    }

    /// A pass with a workspace of its own (one-off calls and tests).
    public func forward(_ batch: TokenBatch, attention: AttentionMask, threads: Int = 1,
                        keepLayerOutputs: Bool = false) throws -> LlamaOutput {
        try forward(batch, attention: attention, workspace: LlamaWorkspace(threads: threads), keepLayerOutputs: keepLayerOutputs)
    }

    /// LM-head logits of every row of `hidden` (final-normed states), `[rows, vocab]`.
    public func logits(of hidden: MatrixView, workspace ws: LlamaWorkspace) throws -> Matrix {
        guard let head = weights.lmHead else { throw LlamaError.noLanguageModelHead }
        let out = Matrix(rows: hidden.rows, columns: config.vocabSize)
        head.multiply(hidden, into: out.mutableView, pool: ws.pool)
        return out
    }

    // MARK: incremental (generation)

    /// Runs `tokens` after what `cache` holds (causal), appends their keys and values to it, and
    /// returns the logits of the last token (`vocab` values). The buffer is the workspace's: copy it
    /// before the next call.
    public func decode(_ tokens: [Int32], cache: LlamaKVCache, workspace ws: LlamaWorkspace) throws -> UnsafeBufferPointer<Float> {
        guard let head = weights.lmHead else { throw LlamaError.noLanguageModelHead }
        let n = tokens.count
        guard n > 0 else { throw LlamaError.emptyInput }
        let first = cache.count
        guard n <= cache.remaining else { throw LlamaError.contextFull(tokens: n, cached: first, capacity: cache.capacity) }
        guard first + n <= config.maxPositionEmbeddings else {
            throw LlamaError.sequenceTooLong(length: first + n, maximum: config.maxPositionEmbeddings)
        }
        try checkIDs(tokens, rowLength: n)
        BLAS.threadCount = 1
        embed(tokens, into: ws)
        rope.tables(first: first, count: n, cos: ws.cos, sin: ws.sin)
        let segment = Segment(rows: 0..<n, paddedEnd: n, firstPosition: first, maskOffset: nil)
        for l in 0..<config.numHiddenLayers {
            layer(l, segments: [segment], causal: true, mask: [], tableRow: { $0 }, cache: cache, ws: ws)
        }
        cache.count = first + n
        let last = ws.hidden.view.rows((n - 1)..<n)
        let normed = ws.normed
        normed.resize(rows: 1, columns: config.hiddenSize)
        rmsNorm(last, weights.finalNorm, into: normed.mutableView, pool: ws.pool)
        ws.logits.resize(rows: 1, columns: config.vocabSize)
        head.multiply(normed.view, into: ws.logits.mutableView, pool: ws.pool)
        return UnsafeBufferPointer(start: ws.logits.storage, count: config.vocabSize)
    }

    // MARK: blocks

    /// The query rows of one sequence and where its keys are.
    struct Segment {
        /// Rows of real tokens in the workspace buffers.
        let rows: Range<Int>
        /// One past the sequence's padding rows (its context rows are zeroed there).
        let paddedEnd: Int
        /// Position of the first row (> 0 when a cache holds the earlier ones).
        let firstPosition: Int
        /// Where the sequence's attention mask starts in the batch mask; `nil`: no padding.
        let maskOffset: Int?
    }

    private func checkIDs(_ ids: [Int32], rowLength: Int) throws {
        for (i, id) in ids.enumerated() where id < 0 || Int(id) >= config.vocabSize {
            throw LlamaError.tokenOutOfRange(sequence: i / rowLength, position: i % rowLength, id: id, vocabularySize: config.vocabSize)
        }
    }

    private func embed(_ ids: [Int32], into ws: LlamaWorkspace) {
        let H = config.hiddenSize
        ws.hidden.resize(rows: ids.count, columns: H)
        for (r, id) in ids.enumerated() { weights.embedding.copyRow(Int(id), into: ws.hidden.storage + r * H) }
    }

    /// hidden += Attention(RMSNorm(hidden)); hidden += MLP(RMSNorm(hidden)).
    private func layer(_ l: Int, segments: [Segment], causal: Bool, mask: [Int32], tableRow: (Int) -> Int,
                       cache: LlamaKVCache?, ws: LlamaWorkspace) {
        let w = weights.layers[l]
        let c = config
        let M = ws.hidden.rows, H = c.hiddenSize, hd = c.headDimension
        let qWidth = c.numAttentionHeads * hd, kvWidth = c.numKeyValueHeads * hd
        ws.normed.resize(rows: M, columns: H)
        ws.query.resize(rows: M, columns: qWidth)
        ws.key.resize(rows: M, columns: kvWidth)
        ws.value.resize(rows: M, columns: kvWidth)
        ws.context.resize(rows: M, columns: qWidth)
        ws.projected.resize(rows: M, columns: H)

        rmsNorm(ws.hidden.view, w.inputNorm, into: ws.normed.mutableView, pool: ws.pool)
        w.query.multiply(ws.normed.view, into: ws.query.mutableView, pool: ws.pool)
        w.key.multiply(ws.normed.view, into: ws.key.mutableView, pool: ws.pool)
        w.value.multiply(ws.normed.view, into: ws.value.mutableView, pool: ws.pool)
        if let b = w.queryBias { Ops.addBias(ws.query.mutableView, b.pointer) }
        if let b = w.keyBias { Ops.addBias(ws.key.mutableView, b.pointer) }
        if let b = w.valueBias { Ops.addBias(ws.value.mutableView, b.pointer) }
        rope.apply(ws.query.mutableView, heads: c.numAttentionHeads, cos: ws.cos, sin: ws.sin, tableRow: tableRow)
        rope.apply(ws.key.mutableView, heads: c.numKeyValueHeads, cos: ws.cos, sin: ws.sin, tableRow: tableRow)

        // Keys and values of each segment: its own rows, or the cache after appending them.
        var keySources: [(MatrixView, MatrixView)] = []
        for s in segments {
            if let cache {
                let dst = s.firstPosition..<(s.firstPosition + s.rows.count)
                cache.keys[l].mutableView.rows(dst).copy(from: ws.key.view.rows(s.rows))
                cache.values[l].mutableView.rows(dst).copy(from: ws.value.view.rows(s.rows))
                let all = 0..<dst.upperBound
                keySources.append((cache.keys[l].view.rows(all), cache.values[l].view.rows(all)))
            } else {
                keySources.append((ws.key.view.rows(s.rows), ws.value.view.rows(s.rows)))
            }
        }
        let longest = zip(segments, keySources).map { $0.rows.count * $1.0.rows }.max() ?? 0
        for s in ws.scores { s.resize(rows: 1, columns: longest) }

        let heads = c.numAttentionHeads, group = c.groupSize
        let scale = 1 / Float(hd).squareRoot()
        let context = ws.context.mutableView, query = ws.query.view
        mask.withUnsafeBufferPointer { mask in
            ws.pool.parallelFor(segments.count * heads) { task, worker in
                let s = segments[task / heads], h = task % heads
                let (keys, values) = keySources[task / heads]
                let kvh = h / group
                let out = context.columns((h * hd)..<(h * hd + hd))
                if s.rows.upperBound < s.paddedEnd { out.rows(s.rows.upperBound..<s.paddedEnd).fill(0) }
                let n = s.rows.count, L = keys.rows
                guard n > 0 else { return }
                let scores = MutableMatrixView(base: ws.scores[worker].storage, rows: n, columns: L)
                BLAS.gemm(query.rows(s.rows).columns((h * hd)..<(h * hd + hd)),
                          keys.columns((kvh * hd)..<(kvh * hd + hd)), transposeB: true, into: scores, alpha: scale)
                for i in 0..<n {
                    let row = scores.base + i * L
                    if causal {
                        let lastVisible = s.firstPosition + i
                        if lastVisible + 1 < L { (row + lastVisible + 1).update(repeating: -.infinity, count: L - lastVisible - 1) }
                    }
                    if let offset = s.maskOffset {
                        for j in 0..<L where mask[offset + j] == 0 { row[j] = -.infinity }
                    }
                }
                Ops.softmaxRows(scores)
                BLAS.gemm(scores.view, values.columns((kvh * hd)..<(kvh * hd + hd)), into: out.rows(s.rows))
            }
        }
        w.output.multiply(ws.context.view, into: ws.projected.mutableView, pool: ws.pool)
        addInPlace(ws.hidden, ws.projected)

        let I = c.intermediateSize
        ws.gate.resize(rows: M, columns: I)
        ws.up.resize(rows: M, columns: I)
        rmsNorm(ws.hidden.view, w.postAttentionNorm, into: ws.normed.mutableView, pool: ws.pool)
        w.gate.multiply(ws.normed.view, into: ws.gate.mutableView, pool: ws.pool)
        w.up.multiply(ws.normed.view, into: ws.up.mutableView, pool: ws.pool)
        siluMultiply(ws.gate, ws.up)
        w.down.multiply(ws.gate.view, into: ws.projected.mutableView, pool: ws.pool)
        addInPlace(ws.hidden, ws.projected)
    }

    /// out = weight · x / sqrt(mean(x²) + eps), row by row (out may be x).
    private func rmsNorm(_ x: MatrixView, _ weight: FloatTensor, into out: MutableMatrixView, pool: ThreadPool) {
        let n = x.columns, eps = config.rmsNormEps, g = weight.pointer
        for r in 0..<x.rows {
            let src = x.base + r * x.rowStride, dst = out.base + r * out.rowStride
            var sum: Float = 0
            for i in 0..<n { sum += src[i] * src[i] }
            let scale = 1 / (sum / Float(n) + eps).squareRoot()
            for i in 0..<n { dst[i] = g[i] * (src[i] * scale) }
        }
    }

    /// gate = silu(gate) · up.
    private func siluMultiply(_ gate: Matrix, _ up: Matrix) {
        let g = gate.storage, u = up.storage
        for i in 0..<gate.count {
            let v = g[i]
            g[i] = v / (1 + Foundation.exp(-v)) * u[i]
        }
    }

    private func addInPlace(_ x: Matrix, _ y: Matrix) {
        let a = x.storage, b = y.storage
        for i in 0..<x.count { a[i] += b[i] }
    }
}
