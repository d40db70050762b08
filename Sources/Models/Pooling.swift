import ModelFiles
import Tensor

/// sentence-transformers `Pooling` (and `Normalize`): token vectors → one vector per text.
public struct Pooler: Sendable {
    public let config: PoolingConfig
    /// L2-normalise the pooled vector (the `Normalize` module).
    public let normalize: Bool

    public init(config: PoolingConfig, normalize: Bool) {
        self.config = config
        self.normalize = normalize
    }

    public func outputDimension(hiddenSize: Int) -> Int { config.modes.count * hiddenSize }

    /// Pools each sequence of `batch` from `hidden` (`[batchSize · sequenceLength, H]`) into row `b` of
    /// `out` (`[batchSize, modes · H]`). With `includePrompt == false`, the first `promptLengths[b]`
    /// tokens are left out, as sentence-transformers does. Sums are taken in Double.
    public func pool(_ hidden: MatrixView, batch: TokenBatch, promptLengths: [Int]? = nil, into out: MutableMatrixView) {
        let T = batch.sequenceLength, H = hidden.columns
        precondition(hidden.rows == batch.batchSize * T, "hidden states do not match the batch")
        precondition(out.rows == batch.batchSize && out.columns == outputDimension(hiddenSize: H), "pooled output has the wrong shape")
        var sums = [Double](repeating: 0, count: H)
        for b in 0..<batch.batchSize {
            let skip = config.includePrompt ? 0 : (promptLengths?[b] ?? 0)
            let counts = { (t: Int) -> Bool in t >= skip && batch.isToken(b, t) }
            let row = out.row(b)
            var offset = 0
            for mode in config.modes {
                let dst = UnsafeMutableBufferPointer(rebasing: row[offset..<(offset + H)])
                offset += H
                switch mode {
                case .cls:
                    for i in 0..<H { dst[i] = hidden[b * T, i] }
                case .lastToken:
                    let last = (0..<T).last(where: counts) ?? 0
                    for i in 0..<H { dst[i] = hidden[b * T + last, i] }
                case .max:
                    dst.update(repeating: -1e9)  // sentence-transformers' fill value for masked tokens
                    for t in 0..<T where counts(t) {
                        let src = hidden.row(b * T + t)
                        for i in 0..<H { dst[i] = Swift.max(dst[i], src[i]) }
                    }
                case .mean, .meanSqrtLength, .weightedMean:
                    for i in 0..<H { sums[i] = 0 }
                    var weight = 0.0
                    for t in 0..<T where counts(t) {
                        let w = mode == .weightedMean ? Double(t + 1) : 1
                        weight += w
                        let src = hidden.row(b * T + t)
                        for i in 0..<H { sums[i] += w * Double(src[i]) }
                    }
                    let denominator = mode == .meanSqrtLength ? Swift.max(weight, 1e-9).squareRoot() : Swift.max(weight, 1e-9)
                    for i in 0..<H { dst[i] = Float(sums[i] / denominator) }
                }
            }
        }
        if normalize { Ops.l2NormalizeRows(out) }
    }
}
