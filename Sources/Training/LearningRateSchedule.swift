/// The learning rate at each optimizer step, as Hugging Face's schedulers compute it: step `s`
/// (counting from 0) uses `base · factor(s)`, so the first step of a warm-up has rate 0.
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Shape: String, Sendable, Equatable {
        /// `get_linear_schedule_with_warmup`: up over the warm-up, then down to 0 at the last step.
        case linear
        /// `get_constant_schedule_with_warmup`.
        case constant
    }

    public var base: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var shape: Shape

    public init(base: Double, warmupSteps: Int, totalSteps: Int, shape: Shape = .linear) {
        self.base = base
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.shape = shape
    }

    public func factor(_ step: Int) -> Double {
        if step < warmupSteps { return Double(step) / Double(max(1, warmupSteps)) }
        switch shape {
        case .constant: return 1
        case .linear: return max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
        }
    }

    public func rate(_ step: Int) -> Double { base * factor(step) }
}
