import ArgumentParser
import ReasonIR
import Foundation
import Tensor

@main
struct ReasonIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasonir",
        abstract: "Reasoning-intensive retrieval: BM25 and dense retrieval, LLM query rewriting and reranking, evaluation on BEIR and BRIGHT.",
        subcommands: [EvalCommand.self, BrightCommand.self, EvaluateRunCommand.self, IndexCommand.self, SearchCommand.self, EmbedCommand.self,
                      RewriteCommand.self, AnalyzeCommand.self, LLMBenchCommand.self,
                      GenerateCommand.self, ChatCommand.self, SynthesizeCommand.self, ReportCommand.self, TrainCommand.self, ServeCommand.self, RagCommand.self]
    )

    /// Refuses a `REASONIR_CPU` that names no level before any command runs, and restarts once
    /// with OpenBLAS's kernels for this CPU where OpenBLAS fell back to SSE3 ones (`BLASCore`).
    static func main() async {
        do { try CPULevel.validateEnvironment() } catch { exit(withError: ValidationError("\(error)")) }
        if let core = BLASCore.recommendedCoreType() { restart(coreType: core) }
        await main(nil)
    }

    /// Runs this same program again with `OPENBLAS_CORETYPE=core`; on failure goes on as it is.
    private static func restart(coreType core: String) {
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // execv returns only on failure (no /proc): the process goes on, slower but correct.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
