import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir chat`: one reply from a local GGUF chat model, with the model's own chat template.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Reply to a message with a local GGUF chat model (its own chat template); prints just the reply.",
        discussion: """
            Example:
                reasonir chat --model SmolLM2-135M-Instruct.Q4_1.gguf --temperature 0 --max-tokens 48 "What is 2+2?"
            """)

    @OptionGroup var options: LanguageModelOptions

    @Option(help: "A system message (default: the template's own default, if it has one).")
    var system: String?

    @Argument(help: "The user's message.")
    var message: String

    func run() throws {
        try reportingErrors {
            let llm = try options.load()
            let messages = (system.map { [ChatMessage(role: .system, content: $0)] } ?? []) + [ChatMessage(role: .user, content: message)]
            _ = try llm.chat(messages, sampling: options.sampling, maxTokens: options.maxTokens, onText: writeOut)
            writeOut("\n")
        }
    }
}
