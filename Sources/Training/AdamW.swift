import Foundation
import Tensor

/// AdamW as `torch.optim.AdamW` computes it on the CPU (the single-tensor path): decoupled weight
/// decay `θ ← θ·(1 − lr·λ)`, moments `m ← lerp(m, g, 1 − β1)`, `v ← v·β2 + (1 − β2)·g·g`, then
/// `θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)`, in float32 with the scalars in double,
/// operations in PyTorch's order. Parameters with `decays == false` get no weight decay (Hugging
/// Face's Trainer leaves biases and LayerNorm parameters out).
public final class AdamW: @unchecked Sendable {
    public struct Settings: Sendable, Equatable {
        public var beta1: Double
        public var beta2: Double
        public var epsilon: Double
        public var weightDecay: Double

        /// PyTorch's defaults, with the weight decay sentence-transformers' `fit` used (0.01).
        public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public let parameters: [Parameter]
    public let settings: Settings
    /// First and second moments, one per parameter.
    public let firstMoments: [Matrix]
    public let secondMoments: [Matrix]
    /// Steps taken so far.
    public var stepCount: Int = 0
    let pool: ThreadPool?

    public init(parameters: [Parameter], settings: Settings = Settings(), pool: ThreadPool? = nil) {
        self.parameters = parameters
        self.settings = settings
        firstMoments = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
        secondMoments = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
        self.pool = pool
    }

    /// One update with every parameter's current gradient at learning rate `learningRate`.
    public func step(learningRate lr: Double) {
        stepCount += 1
        let t = Double(stepCount)
        let b2 = Float(settings.beta2)
        let lerpWeight = Float(1 - settings.beta1), oneMinusB2 = Float(1 - settings.beta2)
        let stepSize = Float(-(lr / (1 - Foundation.pow(settings.beta1, t))))
        let correction2 = Float((1 - Foundation.pow(settings.beta2, t)).squareRoot())
        let eps = Float(settings.epsilon)
        for (i, p) in parameters.enumerated() {
            let decay = Float(1 - lr * settings.weightDecay)
            let applyDecay = p.decays && settings.weightDecay != 0
            let theta = p.value.storage, g = p.gradient.storage
            let m = firstMoments[i].storage, v = secondMoments[i].storage
            let update = { (range: Range<Int>) in
                for j in range {
                    if applyDecay { theta[j] *= decay }
                    // torch.lerp with a weight below 0.5: m + w·(g − m)
                    m[j] = m[j] + lerpWeight * (g[j] - m[j])
                    v[j] = v[j] * b2 + oneMinusB2 * g[j] * g[j]
                    let denominator = v[j].squareRoot() / correction2 + eps
                    theta[j] = theta[j] + stepSize * m[j] / denominator
                }
            }
            if let pool, p.count >= 1 << 16 {
                pool.parallelChunks(p.count, minimumChunk: 1 << 15) { range, _ in update(range) }
            } else {
                update(0..<p.count)
            }
        }
    }
}

/// Gradient-norm clipping as `torch.nn.utils.clip_grad_norm_`.
public enum GradientClipping {
    /// The total L2 norm of every gradient; when `maxNorm` is given, the gradients are scaled by
    /// `min(1, maxNorm / (norm + 1e-6))` (always multiplied, as PyTorch does).
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Double?) -> Double {
        var norms: [Float] = []
        for p in parameters {
            var sum = 0.0
            let g = p.gradient.storage
            for j in 0..<p.count { sum += Double(g[j]) * Double(g[j]) }
            norms.append(Float(sum.squareRoot()))
        }
        var total = 0.0
        for n in norms { total += Double(n) * Double(n) }
        let norm = Float(total.squareRoot())
        guard let maxNorm else { return Double(norm) }
        let coefficient = min(Float(maxNorm) / (norm + 1e-6), 1)
        for p in parameters {
            let g = p.gradient.storage
            for j in 0..<p.count { g[j] *= coefficient }
        }
        return Double(norm)
    }
}
