import CKernels
import Models
import Tensor

/// Masked multi-head self-attention over fused Q/K/V rows, keeping the attention probabilities for
/// its backward pass. Sequence `b` attends over its first `ends[b]` positions (padding after the last
/// real token is left out entirely, its rows get zero context and zero gradient, which is exact:
/// nothing real depends on them); mask-0 tokens inside that span are excluded as keys.
struct SelfAttentionRecord {
    let batch: TokenBatch
    let ends: [Int]
    let heads: Int
    let headDimension: Int
    /// Sequence `b`, head `h`: an `L × L` block (L = ends[b]) at row `b · heads + h`, row stride L.
    let probabilities: Matrix

    var scale: Float { 1 / Float(headDimension).squareRoot() }

    private func block(_ b: Int, _ h: Int) -> MutableMatrixView {
        let L = ends[b]
        return MutableMatrixView(base: probabilities.storage + (b * heads + h) * probabilities.columns, rows: L, columns: L)
    }

    /// `context = softmax(Q Kᵀ / √d + mask) · V` per sequence and head; `qkv` is `[B·T, 3H]` (biased).
    static func forward(qkv: MatrixView, batch: TokenBatch, ends: [Int], heads: Int, into context: MutableMatrixView,
                        pool: ThreadPool) -> SelfAttentionRecord {
        let T = batch.sequenceLength, H = qkv.columns / 3, d = H / heads
        let record = SelfAttentionRecord(batch: batch, ends: ends, heads: heads, headDimension: d,
                                         probabilities: Matrix(rows: batch.batchSize * heads, columns: T * T))
        let scale = record.scale
        BLAS.threadCount = 1
        pool.parallelFor(batch.batchSize * heads) { task, _ in
            let b = task / heads, h = task % heads
            let L = ends[b]
            let out = context.rows((b * T)..<(b * T + T)).columns((h * d)..<(h * d + d))
            if L < T { out.rows(L..<T).fill(0) }
            guard L > 0 else { return }
            let rows = qkv.rows((b * T)..<(b * T + L))
            let q = rows.columns((h * d)..<(h * d + d))
            let k = rows.columns((H + h * d)..<(H + h * d + d))
            let v = rows.columns((2 * H + h * d)..<(2 * H + h * d + d))
            let scores = record.block(b, h)
            BLAS.gemm(q, k, transposeB: true, into: scores, alpha: scale)
            for t in 0..<L where !batch.isToken(b, t) {
                for r in 0..<L { scores[r, t] = -.infinity }
            }
            Ops.softmaxRows(scores)
            BLAS.gemm(scores.view, v, into: out.rows(0..<L))
        }
        return record
    }

    /// The gradient of Q, K and V (`dqkv`, `[B·T, 3H]`, fully written) from that of the context.
    func backward(qkv: MatrixView, dContext: MatrixView, into dqkv: MutableMatrixView, scratch: [Matrix], pool: ThreadPool) {
        let T = batch.sequenceLength, H = qkv.columns / 3, d = headDimension
        let scale = self.scale
        BLAS.threadCount = 1
        pool.parallelFor(batch.batchSize * heads) { task, worker in
            let b = task / heads, h = task % heads
            let L = ends[b]
            let span = (b * T)..<(b * T + T)
            let grads = dqkv.rows(span)
            let dq = grads.columns((h * d)..<(h * d + d))
            let dk = grads.columns((H + h * d)..<(H + h * d + d))
            let dv = grads.columns((2 * H + h * d)..<(2 * H + h * d + d))
            if L < T {
                for g in [dq, dk, dv] { g.rows(L..<T).fill(0) }
            }
            guard L > 0 else { return }
            let rows = qkv.rows((b * T)..<(b * T + L))
            let q = rows.columns((h * d)..<(h * d + d))
            let k = rows.columns((H + h * d)..<(H + h * d + d))
            let v = rows.columns((2 * H + h * d)..<(2 * H + h * d + d))
            let dc = dContext.rows((b * T)..<(b * T + L)).columns((h * d)..<(h * d + d))
            let p = block(b, h).view
            let s = scratch[worker]
            if s.count < L * L { s.resize(rows: L, columns: L) }
            let dp = MutableMatrixView(base: s.storage, rows: L, columns: L)
            BLAS.gemm(p, transposeA: true, dc, into: dv.rows(0..<L))          // dV = Pᵀ dC
            BLAS.gemm(dc, v, transposeB: true, into: dp)                      // dP = dC Vᵀ
            rk_softmax_backward_rows(p.base, p.rowStride, dp.base, dp.rowStride, L, L)
            BLAS.gemm(dp.view, k, into: dq.rows(0..<L), alpha: scale)         // dQ = s · dS K
            BLAS.gemm(dp.view, transposeA: true, q, into: dk.rows(0..<L), alpha: scale)  // dK = s · dSᵀ Q
        }
    }
}
