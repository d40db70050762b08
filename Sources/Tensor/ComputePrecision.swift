/// How an encoder's matrix products treat their inputs.
public enum ComputePrecision: String, Sendable, CaseIterable, Codable {
    /// Float32 throughout: equal to PyTorch's float32 results within float rounding.
    case float32
    /// Inputs of the matrix products rounded to bfloat16, sums in float32: about twice as fast on
    /// AVX512-BF16 CPUs, with embeddings a little further from the float32 ones (measured, not exact).
    case bfloat16
}
