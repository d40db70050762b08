import CKernels

/// Which GELU: the exact erf form (BERT's "gelu", PyTorch's default) or the tanh approximation
/// ("gelu_new", "gelu_pytorch_tanh").
public enum GELUApproximation: Sendable {
    case erf
    case tanh
}

/// Elementwise and row-wise operations on Float32 matrices. They work in place or into a given
/// output and never allocate. With a `pool`, large inputs are split by rows over its threads.
public enum Ops {
    /// Rows per parallel chunk are chosen so each chunk has at least this many values.
    static let parallelGrain = 16_384

    /// `x = gelu(x + bias)`, bias broadcast over rows (`nil`: no bias).
    public static func addBiasGELU(_ x: MutableMatrixView, bias: UnsafePointer<Float>? = nil,
                                   approximation: GELUApproximation = .erf, pool: ThreadPool? = nil) {
        let mode: Int32 = approximation == .erf ? 0 : 1
        forRowChunks(x.rows, x.columns, pool) { rows in
            let part = x.rows(rows)
            rk_bias_gelu(part.base, part.rowStride, bias, part.rows, part.columns, mode)
        }
    }

    /// `out = LayerNorm(x + bias + residual) · gamma + beta` row by row, with biased variance, as
    /// `torch.nn.LayerNorm`. `out` may be the same memory as `x` or `residual`. When given, `mean` and
    /// `reciprocalStd` (one value per row) receive the statistics a backward pass needs.
    public static func addLayerNorm(into out: MutableMatrixView, _ x: MatrixView,
                                    bias: UnsafePointer<Float>? = nil, residual: MatrixView? = nil,
                                    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
                                    mean: UnsafeMutablePointer<Float>? = nil,
                                    reciprocalStd: UnsafeMutablePointer<Float>? = nil,
                                    pool: ThreadPool? = nil) {
        precondition(out.rows == x.rows && out.columns == x.columns, "layer norm: shape mismatch")
        if let residual {
            precondition(residual.rows == x.rows && residual.columns == x.columns, "layer norm: residual shape mismatch")
        }
        forRowChunks(x.rows, x.columns, pool) { rows in
            let o = out.rows(rows), xs = x.rows(rows)
            let r = residual?.rows(rows)
            rk_add_layer_norm(o.base, o.rowStride, xs.base, xs.rowStride, bias,
                              r?.base, r?.rowStride ?? 0, gamma, beta, o.rows, o.columns, epsilon,
                              mean.map { $0 + rows.lowerBound }, reciprocalStd.map { $0 + rows.lowerBound })
        }
    }

    /// `rounded = round(gelu(x + bias))` for a bfloat16 product that follows; `x` is left as scratch.
    public static func addBiasGELU(_ x: MutableMatrixView, bias: UnsafePointer<Float>? = nil,
                                   approximation: GELUApproximation = .erf, roundedInto rounded: BFloat16Rows,
                                   pool: ThreadPool? = nil) {
        precondition(rounded.rows == x.rows && rounded.columns == x.columns, "GELU: shape mismatch")
        let mode: Int32 = approximation == .erf ? 0 : 1
        forRowChunks(x.rows, x.columns, pool) { rows in
            let part = x.rows(rows), out = rounded.rows(rows)
            rk_bias_gelu_bf16(part.base, part.rowStride, bias, part.rows, part.columns, mode, out.base, out.rowStride)
        }
    }

    /// `rounded = round(softmax(x))` row by row, for a bfloat16 product that follows; `x` is left as scratch.
    public static func softmaxRows(_ x: MutableMatrixView, roundedInto rounded: BFloat16Rows) {
        precondition(rounded.rows == x.rows && rounded.columns == x.columns, "softmax: shape mismatch")
        rk_softmax_rows_bf16(x.base, x.rowStride, x.rows, x.columns, rounded.base, rounded.rowStride)
    }

    /// Softmax over each row, in place (-inf entries give 0).
    public static func softmaxRows(_ x: MutableMatrixView, pool: ThreadPool? = nil) {
        forRowChunks(x.rows, x.columns, pool) { rows in
            let part = x.rows(rows)
            rk_softmax_rows(part.base, part.rowStride, part.rows, part.columns)
        }
    }

    /// Divides each row by its L2 norm (as `torch.nn.functional.normalize`: norm clamped at 1e-12).
    public static func l2NormalizeRows(_ x: MutableMatrixView) {
        for r in 0..<x.rows {
            let row = x.row(r)
            var sum: Double = 0
            for v in row { sum += Double(v) * Double(v) }
            let scale = Float(1 / Swift.max(sum.squareRoot(), 1e-12))
            for i in row.indices { row[i] *= scale }
        }
    }

    /// `x += bias`, broadcast over rows.
    public static func addBias(_ x: MutableMatrixView, _ bias: UnsafePointer<Float>) {
        rk_add_bias_rows(x.base, x.rowStride, bias, x.rows, x.columns)
    }

    /// `dst = (dst + a) + b` over `count` values, added in that order.
    public static func add(_ dst: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        rk_add2_inplace(dst, a, b, count)
    }

    /// erf and exp as the kernels compute them (for tests and callers that need the same numerics).
    public static func erf(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { rk_erf_array(xs.baseAddress, $0.baseAddress, x.count) } }
        return y
    }

    public static func exp(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { rk_exp_array(xs.baseAddress, $0.baseAddress, x.count) } }
        return y
    }

    private static func forRowChunks(_ rows: Int, _ columns: Int, _ pool: ThreadPool?, _ body: (Range<Int>) -> Void) {
        guard rows > 0 else { return }
        guard let pool, pool.threadCount > 1, rows * columns >= 2 * parallelGrain else {
            body(0..<rows)
            return
        }
        let minimumRows = Swift.max(1, parallelGrain / Swift.max(1, columns))
        pool.parallelChunks(rows, minimumChunk: minimumRows) { range, _ in body(range) }
    }
}
