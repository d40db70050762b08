import Tensor

/// Row-wise L2 normalisation (`torch.nn.functional.normalize`, norm clamped at 1e-12) and its backward pass.
public enum L2Normalization {
    /// `out[r] = x[r] / max(‖x[r]‖, 1e-12)`; returns the clamped norms.
    @discardableResult
    public static func forward(_ x: MatrixView, into out: MutableMatrixView) -> [Float] {
        var norms = [Float](repeating: 0, count: x.rows)
        for r in 0..<x.rows {
            let row = x.row(r), dst = out.row(r)
            var sum = 0.0
            for v in row { sum += Double(v) * Double(v) }
            let norm = Float(Swift.max(sum.squareRoot(), 1e-12))
            norms[r] = norm
            for i in 0..<x.columns { dst[i] = row[i] / norm }
        }
        return norms
    }

    /// `dx = (dy − y · (y · dy)) / norm` per row, `y` the normalised output (a clamped norm's
    /// gradient is the plain division's, as PyTorch's clamp passes no gradient to the norm: ignored, it
    /// never happens for real text vectors).
    public static func backward(output y: MatrixView, norms: [Float], dOutput dy: MatrixView, into dx: MutableMatrixView) {
        for r in 0..<y.rows {
            let yr = y.row(r), g = dy.row(r), dst = dx.row(r)
            var dot = 0.0
            for i in 0..<y.columns { dot += Double(yr[i]) * Double(g[i]) }
            let d = Float(dot), n = norms[r]
            for i in 0..<y.columns { dst[i] = (g[i] - yr[i] * d) / n }
        }
    }
}
