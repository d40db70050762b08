import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir embed`: prints the vectors of texts.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with a local model and print the L2-normalised vectors.",
        discussion: """
            --json prints a JSON array with one array of numbers per text; otherwise one line of \
            space-separated numbers per text. Texts are documents unless --query is given.

            Example:
                reasonir embed --model all-MiniLM-L6-v2 --json "A text" "Another text"
            """)

    @Option(help: "The embedding model, by name or directory.")
    var model: String

    @Argument(help: "Texts to embed.")
    var texts: [String]

    @Flag(help: "Embed the texts as queries (with --instruction, if given).")
    var query = false

    @Option(help: "Text put before each query.")
    var instruction: String?

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if texts.isEmpty { throw ValidationError("Give at least one text.") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try LocalEmbeddingModel.load(model, threads: threads)
            let vectors = try loaded.embedder.embed(texts, kind: query ? .query(instruction: instruction) : .document)
            if json {
                // Shortest round-trip decimal per value, so the JSON reads back bit-exact.
                let rows = (0..<vectors.count).map { row in "[" + vectors[row].map { "\($0)" }.joined(separator: ", ") + "]" }
                print("[" + rows.joined(separator: ", ") + "]")
            } else {
                for row in 0..<vectors.count { print(vectors[row].map { "\($0)" }.joined(separator: " ")) }
            }
        }
    }
}
