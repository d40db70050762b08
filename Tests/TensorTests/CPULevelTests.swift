import Foundation
import Testing
import Tensor

@Suite("CPU level: detected from the CPU, lowered by REASONIR_CPU")
struct CPULevelTests {
    /// The kernel's own detection against the kernel's flags as Linux reports them.
    @Test func nativeLevelMatchesTheFlagsInProcCpuinfo() throws {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(line.split(separator: ":").last!.split(separator: " ").map(String.init))
        let avx2 = ["avx2", "fma", "f16c"].allSatisfy(flags.contains)
        let avx512 = avx2 && ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains)
        let expected: CPULevel = avx512 ? (flags.contains("avx512_bf16") ? .avx512bf16 : .avx512) : (avx2 ? .avx2 : .scalar)
        #expect(CPULevel.native == expected, "flags: \(flags.filter { $0.hasPrefix("avx") || $0 == "fma" || $0 == "f16c" }.sorted())")
    }

    /// The forced runs of scripts/test-cpu-levels.sh check here that the level really was lowered.
    @Test func currentLevelIsTheRequestedOneCappedByTheCPU() {
        let requested = ProcessInfo.processInfo.environment["REASONIR_CPU"].flatMap { name in
            CPULevel.allCases.first { $0.description == name }
        }
        #expect(CPULevel.current == min(requested ?? CPULevel.native, CPULevel.native))
        #expect(CPULevel.supported.last == CPULevel.native)
        #expect(CPULevel.allCases.map(\.description) == ["scalar", "avx2", "avx512", "avx512bf16"])
    }
}
