import CKernels
import Foundation

/// The instruction-set level the kernels dispatch on, chosen once per process: the CPU's own,
/// lowered by the environment variable `REASONIR_CPU` (`scalar`, `avx2`, `avx512`,
/// `avx512bf16`, `native`). Lowering it runs the same code paths an older CPU would.
public enum CPULevel: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    /// Portable C.
    case scalar = 0
    /// AVX2, FMA and F16C: distance, Float16, GELU/softmax/LayerNorm and quantized-product kernels.
    case avx2 = 1
    /// AVX-512 F/BW/VL/DQ: the Float16 distance kernels' widest path.
    case avx512 = 2
    /// AVX512-BF16: the bfloat16 products run natively (elsewhere a portable loop, same sums).
    case avx512bf16 = 3

    /// The level in use in this process.
    public static var current: CPULevel { CPULevel(rawValue: Int(rk_cpu_level())) ?? .scalar }
    /// The level this CPU supports.
    public static var native: CPULevel { CPULevel(rawValue: Int(rk_cpu_native_level())) ?? .scalar }
    /// Every level this CPU can run, lowest first.
    public static var supported: [CPULevel] { allCases.filter { $0 <= native } }

    /// The name `REASONIR_CPU` takes.
    public var description: String { String(cString: rk_cpu_level_name(Int32(rawValue))) }

    public static func < (a: CPULevel, b: CPULevel) -> Bool { a.rawValue < b.rawValue }

    /// Throws when `REASONIR_CPU` names no level (the kernels would ignore it and warn).
    public static func validateEnvironment() throws {
        if rk_cpu_requested_level() == -2 { throw CPULevelError.unknownLevel(environmentValue ?? "") }
    }

    private static var environmentValue: String? {
        guard let value = getenv("REASONIR_CPU") else { return nil }
        return String(cString: value)
    }
}

/// A `REASONIR_CPU` value that names no level.
public enum CPULevelError: Error, Equatable, CustomStringConvertible {
    case unknownLevel(String)

    public var description: String {
        switch self {
        case .unknownLevel(let value):
            "REASONIR_CPU=\(value) is not a CPU level: use scalar, avx2, avx512, avx512bf16 or native"
        }
    }
}
