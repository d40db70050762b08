import CBLAS
import Foundation

/// Which of OpenBLAS's kernel sets runs sgemm, and the one this CPU should get.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU's model number. On CPUs
/// it does not know (virtual machines reporting "Intel(R) Xeon(R) Processor", newer models than
/// the build), Debian's 0.3.21 falls back to its SSE3 "Prescott" kernels even where AVX-512 is
/// there: every sgemm then runs at a fraction of the machine's speed. `OPENBLAS_CORETYPE` names
/// the kernel set instead, and must be in the environment before the library loads.
public enum BLASCore {
    /// The kernel set OpenBLAS chose in this process (e.g. "Prescott", "Haswell", "SkylakeX").
    public static var current: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }

    /// The kernel set for `level`: "SkylakeX" for AVX-512, "Haswell" for AVX2, nil for portable code.
    public static func preferred(for level: CPULevel) -> String? {
        switch level {
        case .scalar: return nil
        case .avx2: return "Haswell"
        case .avx512, .avx512bf16: return "SkylakeX"
        }
    }

    /// Kernel sets below AVX2: what the fallback on an unrecognised CPU picks.
    public static let legacy: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai",
                                      "coppermine", "northwood", "banias", "yonah", "opteron", "barcelona", "unknown"]

    /// The `OPENBLAS_CORETYPE` a process should be restarted with, or nil: when the variable is
    /// unset, OpenBLAS chose a kernel set older than AVX2, and the CPU level (after `REASONIR_CPU`)
    /// has a better one.
    public static func recommendedCoreType(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, legacy.contains(current.lowercased()) else { return nil }
        return preferred(for: CPULevel.current)
    }
}
