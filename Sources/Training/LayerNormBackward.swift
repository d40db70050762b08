import CKernels
import Tensor

/// LayerNorm with the statistics a backward pass needs (`torch.nn.LayerNorm`, biased variance).
struct LayerNormRecord {
    /// The normalised input (the sum before the norm).
    let input: Matrix
    let mean: [Float]
    let reciprocalStd: [Float]

    /// `out = LayerNorm(input) · γ + β`, keeping `input` and its statistics.
    static func forward(_ input: Matrix, gamma: Parameter, beta: Parameter, epsilon: Float, into out: MutableMatrixView,
                        pool: ThreadPool) -> LayerNormRecord {
        var mean = [Float](repeating: 0, count: input.rows), rstd = [Float](repeating: 0, count: input.rows)
        mean.withUnsafeMutableBufferPointer { m in
            rstd.withUnsafeMutableBufferPointer { r in
                Ops.addLayerNorm(into: out, input.view, gamma: gamma.value.storage, beta: beta.value.storage, epsilon: epsilon,
                                 mean: m.baseAddress, reciprocalStd: r.baseAddress, pool: pool)
            }
        }
        return LayerNormRecord(input: input, mean: mean, reciprocalStd: rstd)
    }

    /// `dx` from `dy` (may be the same memory); adds to γ's and β's gradients.
    func backward(_ dy: MatrixView, gamma: Parameter, beta: Parameter, into dx: MutableMatrixView) {
        precondition(dy.rows == input.rows && dx.rows == input.rows, "layer norm backward: shape mismatch")
        mean.withUnsafeBufferPointer { m in
            reciprocalStd.withUnsafeBufferPointer { r in
                rk_layer_norm_backward(input.storage, input.columns, m.baseAddress, r.baseAddress, gamma.value.storage,
                                       dy.base, dy.rowStride, dx.base, dx.rowStride,
                                       gamma.gradient.storage, beta.gradient.storage, input.rows, input.columns)
            }
        }
    }
}
