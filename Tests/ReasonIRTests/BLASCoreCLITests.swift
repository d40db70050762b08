import Foundation
import Tensor
import Testing
import TestSupport

/// `reasonir` gets OpenBLAS's kernels for this CPU even where OpenBLAS itself falls back to SSE3
/// ones (it restarts once with OPENBLAS_CORETYPE), and leaves a chosen kernel set alone.
/// OPENBLAS_VERBOSE=2 makes OpenBLAS print the kernel set it loads, in each process.
@Suite struct BLASCoreCLITests {
    static func cores(_ environment: [String: String]) throws -> [String] {
        let result = try TestPaths.runCLI(["analyze", "Vitamin D"], environment: ["OPENBLAS_VERBOSE": "2"].merging(environment) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        return (result.stdout + result.stderr).split(separator: "\n").compactMap { line in
            line.hasPrefix("Core: ") ? String(line.dropFirst(6)) : nil
        }
    }

    @Test func theKernelsForThisCPULevel() throws {
        let inProcess = BLASCore.current
        let cores = try Self.cores([:])
        #expect(!cores.isEmpty, "OpenBLAS printed its kernel set")
        guard BLASCore.legacy.contains(inProcess.lowercased()), let preferred = BLASCore.preferred(for: CPULevel.native) else {
            // OpenBLAS knows this CPU (or it has no AVX2): nothing to restart for.
            #expect(cores == [inProcess])
            return
        }
        #expect(cores == [inProcess, preferred], "loaded \(inProcess), then restarted with \(preferred)")
        #expect(try Self.cores(["REASONIR_CPU": "scalar"]) == [inProcess], "the portable level keeps OpenBLAS's choice")
        #expect(try Self.cores(["OPENBLAS_CORETYPE": "Haswell"]) == ["Haswell"], "a chosen kernel set is left alone")
    }
}
