import Foundation

/// How the next token is chosen from the logits.
public struct SamplingParameters: Sendable, Equatable {
    /// 0 (or less): greedy, the highest logit (the lowest id among equals).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (0: all).
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP` (1: all).
    public var topP: Float
    /// Seed of the random generator: equal seeds give equal samples.
    public var seed: UInt64

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    public static let greedy = SamplingParameters()
}

/// SplitMix64: a small, fast, seedable generator (the same seed gives the same sequence on every platform).
public struct SeededRandomGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Picks tokens from logits with temperature, top-k and top-p, from a seeded generator.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: SeededRandomGenerator

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SeededRandomGenerator(seed: parameters.seed)
    }

    /// The index of the largest value (the first among equals); NaN never wins.
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return Int32(best)
    }

    public mutating func next(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        let p = parameters
        if p.temperature <= 0 || p.topK == 1 || logits.count <= 1 { return Self.argmax(logits) }
        // Candidates by decreasing logit (ties: lower id first), cut to top-k.
        var order = logits.indices.filter { !logits[$0].isNaN }
        order.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        if p.topK > 0 && order.count > p.topK { order.removeSubrange(p.topK...) }
        guard let first = order.first else { return Self.argmax(logits) }
        let top = logits[first]
        var weights = order.map { exp(Double(logits[$0] - top) / Double(p.temperature)) }
        let total = weights.reduce(0, +)
        if p.topP < 1 {
            var cumulative = 0.0
            var keep = weights.count
            for (i, w) in weights.enumerated() {
                cumulative += w / total
                if cumulative >= Double(p.topP) { keep = i + 1; break }
            }
            weights.removeSubrange(keep...)
            order.removeSubrange(keep...)
        }
        let sum = weights.reduce(0, +)
        let draw = Double.random(in: 0..<1, using: &random) * sum
        var acc = 0.0
        for (i, w) in weights.enumerated() {
            acc += w
            if draw < acc { return Int32(order[i]) }
        }
        return Int32(order[order.count - 1])
    }
}
