import Tensor

/// A dense layer `y = x · Wᵀ + b` (PyTorch's `nn.Linear`, W stored `[out, in]`) and its backward pass.
enum Linear {
    /// `out = x · Wᵀ + b`.
    static func forward(_ x: MatrixView, weight: Parameter, bias: Parameter, into out: MutableMatrixView, pool: ThreadPool) {
        BLAS.gemm(x, weight.value.view, transposeB: true, into: out, pool: pool)
        Ops.addBias(out, bias.value.storage)
    }

    /// Adds `dyᵀ · x` to W's gradient and the column sums of `dy` to b's; writes `dy · W` into `dx`
    /// (added to what is there when `accumulate`), when `dx` is given.
    static func backward(_ dy: MatrixView, x: MatrixView, weight: Parameter, bias: Parameter,
                         dx: MutableMatrixView?, accumulate: Bool = false, ones: Ones, pool: ThreadPool) {
        BLAS.gemm(dy, transposeA: true, x, into: weight.gradient.mutableView, beta: 1, pool: pool)
        BLAS.gemm(ones.row(dy.rows), dy, into: bias.gradient.mutableView, beta: 1)
        if let dx {
            BLAS.gemm(dy, weight.value.view, into: dx, beta: accumulate ? 1 : 0, pool: pool)
        }
    }
}

/// A row of ones, grown as needed: column sums as one product (`1ᵀ · dy`).
final class Ones: @unchecked Sendable {
    private let storage = Matrix(rows: 0, columns: 0)

    func row(_ count: Int) -> MatrixView {
        if storage.count < count {
            storage.resize(rows: 1, columns: count)
            storage.fill(1)
        }
        return MatrixView(base: storage.storage, rows: 1, columns: count)
    }
}

/// `dst += src`, elementwise over two views of one shape.
func addInPlace(_ dst: MutableMatrixView, _ src: MatrixView) {
    precondition(dst.rows == src.rows && dst.columns == src.columns, "add: shape mismatch")
    for r in 0..<dst.rows {
        let d = dst.base + r * dst.rowStride, s = src.base + r * src.rowStride
        for c in 0..<dst.columns { d[c] += s[c] }
    }
}
