import CKernels
import Tensor

/// GELU's backward pass: the gradient of its output times gelu′ at its input.
enum GELUBackward {
    /// `grad *= gelu′(input)`.
    static func apply(input: MatrixView, grad: MutableMatrixView, approximation: GELUApproximation, pool: ThreadPool) {
        precondition(input.rows == grad.rows && input.columns == grad.columns, "GELU backward: shape mismatch")
        let mode: Int32 = approximation == .erf ? 0 : 1
        let rows = input.rows
        let chunk = max(1, 16_384 / max(1, input.columns))
        pool.parallelChunks(rows, minimumChunk: chunk) { range, _ in
            let u = input.rows(range), g = grad.rows(range)
            rk_gelu_backward(u.base, u.rowStride, g.base, g.rowStride, u.rows, u.columns, mode)
        }
    }
}
