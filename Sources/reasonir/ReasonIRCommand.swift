import ArgumentParser
import ReasonIR

@main
struct ReasonIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasonir",
        abstract: "Reasoning-intensive retrieval: BM25 and dense retrieval, LLM query rewriting and reranking, evaluation on BEIR and BRIGHT.",
        subcommands: [EvalCommand.self, BrightCommand.self, EvaluateRunCommand.self, IndexCommand.self, SearchCommand.self, EmbedCommand.self,
                      RewriteCommand.self, AnalyzeCommand.self, LLMBenchCommand.self,
                      GenerateCommand.self, ChatCommand.self, SynthesizeCommand.self]
    )
}
