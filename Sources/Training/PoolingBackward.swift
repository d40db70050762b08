import ModelFiles
import Models
import Tensor

/// The backward pass of sentence-transformers' `Pooling` (``Pooler`` without normalisation): routes
/// the gradient of each pooled vector to the token vectors it was made from.
enum PoolingBackward {
    /// Adds to `dHidden` (`[B·T, H]`) the gradient of `hidden` given that of the pooled rows
    /// (`[B, modes · H]`). `hidden` is the forward pass's input (the max mode needs it).
    static func apply(_ config: PoolingConfig, hidden: MatrixView, batch: TokenBatch, dPooled: MatrixView,
                      into dHidden: MutableMatrixView) {
        let T = batch.sequenceLength, H = hidden.columns
        for b in 0..<batch.batchSize {
            let tokens = (0..<T).filter { batch.isToken(b, $0) }
            let grad = dPooled.row(b)
            var offset = 0
            for mode in config.modes {
                let g = UnsafeBufferPointer(rebasing: grad[offset..<(offset + H)])
                offset += H
                func add(_ t: Int, _ w: Float) {
                    let dst = dHidden.row(b * T + t)
                    for i in 0..<H { dst[i] += w * g[i] }
                }
                switch mode {
                case .cls:
                    add(0, 1)
                case .lastToken:
                    add(tokens.last ?? 0, 1)
                case .max:
                    // The first token holding the maximum gets the gradient (torch.max's choice).
                    for i in 0..<H {
                        var best = -Float.infinity, at = -1
                        for t in tokens where hidden[b * T + t, i] > best { best = hidden[b * T + t, i]; at = t }
                        if at >= 0 { dHidden[b * T + at, i] += g[i] }
                    }
                case .mean, .meanSqrtLength, .weightedMean:
                    var weight = 0.0
                    for t in tokens { weight += mode == .weightedMean ? Double(t + 1) : 1 }
                    let denominator = mode == .meanSqrtLength ? max(weight, 1e-9).squareRoot() : max(weight, 1e-9)
                    for t in tokens {
                        add(t, Float((mode == .weightedMean ? Double(t + 1) : 1) / denominator))
                    }
                }
            }
        }
    }
}
