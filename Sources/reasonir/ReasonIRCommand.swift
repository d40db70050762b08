import ArgumentParser
import ReasonIR
import Tensor

@main
struct ReasonIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasonir",
        abstract: "Reasoning-intensive retrieval: BM25 and dense retrieval, LLM query rewriting and reranking, evaluation on BEIR and BRIGHT.",
        subcommands: [EvalCommand.self, BrightCommand.self, EvaluateRunCommand.self, IndexCommand.self, SearchCommand.self, EmbedCommand.self,
                      RewriteCommand.self, AnalyzeCommand.self, LLMBenchCommand.self,
                      GenerateCommand.self, ChatCommand.self, SynthesizeCommand.self, RagCommand.self]
    )

    /// Refuses a `REASONIR_CPU` that names no level before any command runs.
    static func main() async {
        do { try CPULevel.validateEnvironment() } catch { exit(withError: ValidationError("\(error)")) }
        await main(nil)
    }
}
