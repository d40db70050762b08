import ArgumentParser
import Foundation
import Models
import ReasonIR

/// The model file and sampling settings shared by `generate` and `chat`.
struct LanguageModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A Llama-family GGUF file (llama, qwen2).", valueName: "file"))
    var model: String

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Float = 0.8

    @Option(name: .customLong("top-k"), help: "Sample among the k most likely tokens (0: all).")
    var topK: Int = 40

    @Option(name: .customLong("top-p"), help: "Sample among the most likely tokens whose probability reaches p.")
    var topP: Float = 0.95

    @Option(help: "Random seed (equal seeds give equal samples).")
    var seed: UInt64 = 42

    @Option(name: .customLong("max-tokens"), help: "The most tokens to generate.")
    var maxTokens: Int = 256

    @Option(help: "Context length (prompt + generated tokens).")
    var context: Int = 4096

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

    func validate() throws {
        if temperature < 0 { throw ValidationError("--temperature must not be negative.") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
        if topK < 0 { throw ValidationError("--top-k must not be negative.") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1].") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if context < 1 { throw ValidationError("--context must be at least 1.") }
    }

    var sampling: SamplingParameters { SamplingParameters(temperature: temperature, topK: topK, topP: topP, seed: seed) }

    func load() throws -> LocalLanguageModel {
        let url = URL(fileURLWithPath: model)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ValidationError("--model: \(model) does not exist.") }
        let llm = try LocalLanguageModel(gguf: url, threads: threads, contextLength: context)
        return llm
    }
}

/// Writes text to stdout at once (streamed tokens).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
