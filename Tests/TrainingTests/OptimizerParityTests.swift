import Foundation
import Tensor
import Testing
@testable import Training

/// `Fixtures/train_optimizer.json`, written by `scripts/parity/train_optimizer.py` (torch.optim.AdamW).
struct OptimizerFixture: Decodable {
    struct Step: Decodable {
        let lr: Double
        let grad_norm: Double
        let gradients: [String: [Float]]
        let values: [String: [Float]]
    }
    let shapes: [String: [Int]]
    let decays: [String: Bool]
    let lr: Double
    let warmup: Int
    let steps: Int
    let weight_decay: Double
    let eps: Double
    let max_grad_norm: Double
    let initial: [String: [Float]]
    let record: [Step]
}

struct OptimizerParityTests {
    @Test func adamWWithWarmupDecayAndClippingMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/train_optimizer.json")
        let f = try JSONDecoder().decode(OptimizerFixture.self, from: Data(contentsOf: url))
        let names = f.shapes.keys.sorted()
        let parameters = names.map { n in
            f.initial[n]!.withUnsafeBufferPointer { Parameter(name: n, shape: f.shapes[n]!, values: $0.baseAddress!, decays: f.decays[n]!) }
        }
        let optimizer = AdamW(parameters: parameters, settings: .init(epsilon: f.eps, weightDecay: f.weight_decay))
        let schedule = LearningRateSchedule(base: f.lr, warmupSteps: f.warmup, totalSteps: f.steps)
        var worst = 0.0
        for (s, step) in f.record.enumerated() {
            #expect(abs(schedule.rate(s) - step.lr) <= 1e-15, "learning rate at step \(s)")
            for p in parameters { p.gradient.storage.update(from: step.gradients[p.name]!, count: p.count) }
            let norm = GradientClipping.clip(parameters, maxNorm: f.max_grad_norm)
            #expect(abs(norm - step.grad_norm) <= 1e-6 * step.grad_norm, "gradient norm at step \(s)")
            optimizer.step(learningRate: schedule.rate(s))
            for p in parameters {
                let expected = step.values[p.name]!
                for (a, b) in zip(p.value.toArray(), expected) { worst = max(worst, Double(abs(a - b)) / max(1, Double(abs(b)))) }
            }
        }
        // The bound: weights within 1e-6 of torch's after every step.
        #expect(worst <= 1e-6, "largest difference \(worst)")
        #expect(f.record.contains { $0.grad_norm > f.max_grad_norm } && f.record.contains { $0.grad_norm < f.max_grad_norm },
                "the fixture exercises clipping both ways")
    }

    @Test func scheduleShapes() {
        let linear = LearningRateSchedule(base: 1, warmupSteps: 10, totalSteps: 110)
        #expect(linear.factor(0) == 0 && linear.factor(5) == 0.5 && linear.factor(10) == 1 && linear.factor(60) == 0.5 && linear.factor(110) == 0)
        let constant = LearningRateSchedule(base: 2, warmupSteps: 4, totalSteps: 10, shape: .constant)
        #expect(constant.rate(2) == 1 && constant.rate(9) == 2)
    }
}
