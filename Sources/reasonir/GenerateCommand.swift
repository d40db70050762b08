import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir generate`: continues a prompt with a local GGUF model, streaming the text.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a local GGUF model (Llama family), printing tokens as they come.",
        discussion: """
            Special-token text in the prompt (e.g. <|im_start|>) is parsed as those tokens, as llama.cpp does.
            Generation stops at the model's end-of-generation token or after --max-tokens.

            Example:
                reasonir generate --model SmolLM2-135M-Instruct.Q4_1.gguf --temperature 0 --max-tokens 32 "The capital of France is"
            """)

    @OptionGroup var options: LanguageModelOptions

    @Argument(help: "The prompt.")
    var prompt: String

    func run() throws {
        try reportingErrors {
            let llm = try options.load()
            _ = try llm.generate(prompt: prompt, sampling: options.sampling, maxTokens: options.maxTokens, onText: writeOut)
            writeOut("\n")
        }
    }
}
