import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir rewrite`: one query rewritten by an LLM as BRIGHT does it.
struct RewriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite",
        abstract: "Rewrite a query with an LLM into reasoning about it (BRIGHT's query rewriting).",
        discussion: """
            Sends the query with BRIGHT's instructions (identify the essential problem, think step by \
            step, draft an answer) to an OpenAI-compatible server and prints the answer. Answers are \
            cached, so asking again costs nothing; --no-llm-cache asks anew.

            Example:
                scripts/llm-server.sh start   # prints http://127.0.0.1:PORT/v1
                reasonir rewrite --llm-url http://127.0.0.1:PORT/v1 "Why do cats purr?" --rewrite-token-budget 128
            """)

    @Argument(help: "The query.")
    var query: String

    @Option(help: ArgumentHelp("The model to ask for (same as --llm-model).", valueName: "name"))
    var model: String?

    @OptionGroup var llm: LLMOptions
    @OptionGroup var rewrite: RewriteOptions

    @Flag(help: "Print the answer as it is generated.")
    var stream = false

    @Flag(help: "Also print the prompt, on stderr.")
    var showPrompt = false

    @Flag(help: "No LLM counts on stderr.")
    var quiet = false

    func run() async throws {
        try await reportingErrors {
            let client = try llm.client(model: model)
            let rewriter = rewrite.rewriter(model: client, seed: llm.llmSeed, concurrency: 1)
            if showPrompt { warn(rewriter.messages(for: query).map { "[\($0.role.rawValue)]\n\($0.content)" }.joined(separator: "\n")) }
            if stream {
                for try await piece in client.streamCompletion(rewriter.messages(for: query), options: rewriter.options) {
                    FileHandle.standardOutput.write(Data(piece.utf8))
                }
                print()
            } else {
                print(try await rewriter.rewrite(query))
            }
            reportLLM(client, quiet: quiet)
            try await client.shutdown()
        }
    }
}
