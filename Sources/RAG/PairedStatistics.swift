import Foundation

/// The paired comparison of two conditions on the same questions.
public struct PairedDifference: Sendable, Equatable, Codable {
    /// Accuracy of the second minus the first.
    public var difference: Double
    /// 95% percentile bootstrap interval of `difference` (questions resampled with replacement).
    public var lower: Double
    public var upper: Double
    /// Questions right under the first only (b) and the second only (c).
    public var onlyFirst: Int
    public var onlySecond: Int
    /// McNemar's exact two-sided p-value (binomial on the b + c discordant pairs).
    public var mcnemarP: Double
    public var n: Int
}

/// Statistics on paired right/wrong outcomes.
public enum PairedStatistics {
    /// Compares `second` with `first` (same questions, same order).
    public static func compare(_ first: [Bool], _ second: [Bool], resamples: Int = 10_000, seed: UInt64 = 16) -> PairedDifference {
        precondition(first.count == second.count)
        let n = first.count
        let deltas = zip(first, second).map { (a, b) in (b ? 1 : 0) - (a ? 1 : 0) }
        let difference = n == 0 ? 0 : Double(deltas.reduce(0, +)) / Double(n)
        var lower = difference, upper = difference
        if n > 0 {
            var state = seed
            func next() -> UInt64 {  // SplitMix64: reproducible intervals
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            var means: [Double] = []
            means.reserveCapacity(resamples)
            for _ in 0..<resamples {
                var sum = 0
                for _ in 0..<n { sum += deltas[Int(next() % UInt64(n))] }
                means.append(Double(sum) / Double(n))
            }
            means.sort()
            lower = means[Int(0.025 * Double(resamples - 1))]
            upper = means[Int((0.975 * Double(resamples - 1)).rounded(.up))]
        }
        let b = zip(first, second).filter { $0 && !$1 }.count
        let c = zip(first, second).filter { !$0 && $1 }.count
        return PairedDifference(difference: difference, lower: lower, upper: upper, onlyFirst: b, onlySecond: c,
                                mcnemarP: mcnemarExact(b, c), n: n)
    }

    /// Two-sided exact McNemar p-value: 2 · P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2), capped at 1.
    public static func mcnemarExact(_ b: Int, _ c: Int) -> Double {
        let m = b + c
        if m == 0 { return 1 }
        let k = min(b, c)
        // Sum in log space: C(m, i) / 2^m.
        var logC = 0.0  // log C(m, 0)
        var tail = 0.0
        for i in 0...k {
            if i > 0 { logC += Foundation.log(Double(m - i + 1)) - Foundation.log(Double(i)) }
            tail += Foundation.exp(logC - Double(m) * Foundation.log(2.0))
        }
        return min(1, 2 * tail)
    }
}
