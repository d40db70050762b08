import ArgumentParser
import Foundation
import Logging
import ReasonIR
import Server

/// `reasonir serve`: the HTTP server (the `Server` module) for embeddings, rerank, search and generation.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve embeddings, reranking, search and local generation over HTTP (OpenAI, TEI and Cohere shapes).",
        discussion: """
            Routes: POST /v1/embeddings (OpenAI), /embed and /rerank (text-embeddings-inference), \
            /v1/rerank (Cohere, Jina), /v1/search, /v1/indexes/NAME/documents (POST to add or \
            upsert, DELETE by ids), /v1/chat/completions and /v1/completions (with --llm, streamed \
            or whole); GET /v1/models, /health, /metrics (Prometheus), /openapi.json.
            Prints `listening on http://HOST:PORT` once it accepts connections (--port 0 picks a \
            free port). SIGTERM or SIGINT: stops accepting, finishes the requests in flight, exits 0.

            Examples:
                reasonir serve --model all-MiniLM-L6-v2 --index scifact=scifact.idx --port 8080
                reasonir serve --llm models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf --port 0
            """)

    @Option(help: "The embedding model, by name or directory.")
    var model: String?

    @Option(help: ArgumentHelp("An index directory to search, as NAME=DIR or DIR (named by its folder); repeatable.", valueName: "index"))
    var index: [String] = []

    @Option(help: ArgumentHelp("A GGUF file for /v1/chat/completions, /v1/completions and LLM reranking.", valueName: "file"))
    var llm: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free one).")
    var port = 8080

    @Option(help: "Require `Authorization: Bearer KEY` on every route but /health (default: $REASONIR_API_KEY).")
    var apiKey: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log lines as text or json.")
    var logFormat = "text"

    @Option(help: "Largest request body in bytes (413 past it).")
    var maxBodyBytes = 16 << 20

    @Option(help: "Most inputs (texts, documents) in one request (413 past it).")
    var maxInputs = 2048

    @Option(help: "Most embedding inputs waiting across requests (429 past it).")
    var maxQueuedInputs = 16384

    @Option(help: "Most tokens in one shared embedding batch.")
    var maxBatchTokens = 16384

    @Option(help: "Most generation requests waiting or running (429 past it).")
    var maxQueuedGenerations = 16

    @Option(help: "Threads for the models and search (default: every core).")
    var threads: Int = defaultThreadCount

    func validate() throws {
        if model == nil && llm == nil && index.isEmpty { throw ValidationError("Give --model, --index or --llm: there is nothing to serve.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535.") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical.") }
        if logFormat != "text" && logFormat != "json" { throw ValidationError("--log-format must be text or json.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    /// `NAME=DIR`, or `DIR` named by its last component without `.idx`.
    static func parseIndex(_ argument: String) -> (name: String, path: String) {
        if let equals = argument.firstIndex(of: "="), !argument[..<equals].contains("/") {
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        var name = URL(fileURLWithPath: argument).lastPathComponent
        if name.hasSuffix(".idx") { name.removeLast(4) }
        return (name, argument)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "reasonir.serve")
        let key = apiKey ?? ProcessInfo.processInfo.environment["REASONIR_API_KEY"]
        let options = ServerOptions(host: host, port: port, apiKey: key?.isEmpty == false ? key : nil, maxBodyBytes: maxBodyBytes,
                                    maxInputsPerRequest: maxInputs, maxQueuedInputs: maxQueuedInputs, maxBatchTokens: maxBatchTokens,
                                    maxQueuedGenerations: maxQueuedGenerations, threads: threads)
        let resources: ServerResources
        do {
            resources = try ServerResources.load(model: model, indexes: index.map(Self.parseIndex), llm: llm, options: options)
        } catch {
            warn("error: \(error)")
            throw ExitCode.failure
        }
        try await ReasonIRServer.run(resources, logger: logger) { host, port in
            print("listening on http://\(host):\(port)")
            fflush(nil)  // the line must reach a pipe at once
        }
    }
}
