import Foundation

/// A linear value axis from zero (or a minimum) to a round maximum, with round ticks.
struct LinearAxis {
    let minimum: Double
    let maximum: Double
    let step: Double

    /// An axis covering `low...high` whose ends and ticks fall on 1, 2 or 5 times a power of ten.
    init(covering low: Double, _ high: Double, ticks: Int = 5) {
        let low = low.isFinite ? low : 0, high = high.isFinite ? high : 1
        let span = high > low ? high - low : max(abs(high), 1)
        let rough = span / Double(max(ticks, 1))
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        self.step = step
        self.minimum = floor(low / step) * step
        let top = ceil(high / step) * step
        self.maximum = top > minimum ? top : minimum + step
    }

    var ticks: [Double] {
        let count = Int(((maximum - minimum) / step).rounded())
        return (0...count).map { minimum + Double($0) * step }
    }

    /// The tick's label, with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step)).rounded()))
        return String(format: "%.\(decimals)f", value)
    }

    /// Where `value` falls between `start` (the minimum) and `end` (the maximum), in pixels.
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        start + (value - minimum) / (maximum - minimum) * (end - start)
    }
}
