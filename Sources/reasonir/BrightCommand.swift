import ArgumentParser
import Foundation
import ReasonIR
import Report

/// `reasonir bright`: one retriever over BRIGHT's tasks, with BRIGHT's protocol, in one command.
struct BrightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bright",
        abstract: "Run a retriever over BRIGHT's tasks (the hub's Parquet files or our JSONL) and print the per-task table.",
        discussion: """
            BRIGHT_DIR is a local copy of the Hugging Face dataset xlangai/BRIGHT (examples/, documents/, \
            long_documents/, <variant>_reason/, each with <task>-00000-of-00001.parquet files), or the same \
            folders holding <task>.jsonl files. Every task runs (or those of --tasks), with BRIGHT's protocol: \
            excluded_ids dropped from each ranking, gold_ids (gold_ids_long with --long-documents) at \
            relevance 1, 1000 documents per query. Each task's index is cached as `reasonir eval` caches it.

            --query-variant original searches the posts; gpt4_reason (or gpt4), claude-3-opus_reason, \
            llama3-70b_reason, grit_reason, ... search that config's reasoning queries. --task-instructions \
            puts BRIGHT's per-task instruction before each query for dense models that expect one.

            Prints a table of nDCG@10 and recall@100 (x100) per task with their average; --json prints \
            {"tasks": {"biology": {pytrec_eval's metric names: values, "num_q": n}, ...}, "average": {...}}. \
            --run-dir writes one TREC run per task (<task>.trec). Progress, with an ETA, goes to stderr. \
            --results FILE writes the scores with the run's settings for `reasonir report`; --report FILE \
            writes this run's HTML report.

            With an LLM (an OpenAI-compatible server), --rewrite rewrites each task's queries first and \
            --rerank rescores each query's top --rerank-depth documents with the task's ReasonIR prompt; \
            answers are cached, so an interrupted run resumes without asking again.

            Examples:
                reasonir bright ~/data/BRIGHT --retriever bm25 --json
                reasonir bright ~/data/BRIGHT --retriever dense --model all-MiniLM-L6-v2 --tasks biology,pony --run-dir runs
                reasonir bright ~/data/BRIGHT --tasks biology --rerank --rerank-depth 20 --llm-url http://127.0.0.1:8080/v1
            """)

    @Argument(help: ArgumentHelp("The BRIGHT directory.", valueName: "bright-dir"))
    var directory: String

    @OptionGroup var options: RetrieverOptions


    @Flag(help: "Dense: put BRIGHT's per-task query instruction before each query.")
    var taskInstructions = false

    @Option(help: "The queries: original, or a reasoning-query config (gpt4_reason, claude-3-opus_reason, ...).")
    var queryVariant = "original"

    @Flag(help: "Search long_documents and judge with gold_ids_long.")
    var longDocuments = false

    @Option(help: ArgumentHelp("Comma-separated tasks (default: all 12).", valueName: "a,b"))
    var tasks: String?

    @Option(help: "Documents retrieved and scored per query.")
    var depth = 1000

    @Option(help: "Evaluate only each task's first N queries (a sample, for costly reranking).")
    var limit: Int?

    @Option(help: "Where to keep the indexes, a folder per task (default: the cache).")
    var indexDir: String?

    @Option(help: ArgumentHelp("Write each task's run as <dir>/<task>.trec.", valueName: "dir"))
    var runDir: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @OptionGroup(title: "Test-time reasoning") var reasoning: ReasoningOptions
    @OptionGroup(title: "LLM") var llm: LLMOptions
    @OptionGroup(title: "Query rewriting") var rewriting: RewriteOptions
    @OptionGroup(title: "Results for `reasonir report`") var output: ReportOutputOptions

    var taskList: [String] {
        tasks.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            ?? BRIGHTDataset.tasks
    }

    func validate() throws {
        if depth < 1 { throw ValidationError("--depth must be at least 1.") }
        if taskList.isEmpty { throw ValidationError("--tasks names no task.") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    func run() async throws {
        try await reportingErrors {
            let root = URL(fileURLWithPath: directory)
            // Open every task first, so a task missing from one config fails before hours of work.
            let datasets = try taskList.map { task in
                let dataset = try EvaluationDataset.bright(directory: root, task: task, queryVariant: queryVariant, longDocuments: longDocuments)
                return limit.map { dataset.prefix($0) } ?? dataset
            }
            if let runDir { try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true) }
            let pipeline = ReasonedRetrieval(reasoning: reasoning, rewriting: rewriting, llm: llm, quiet: quiet)
            let client = try pipeline.client()
            var results = TaskResults()
            var notes: [String] = []
            var tag = options.retriever.rawValue
            let began = Date()
            for (number, dataset) in datasets.enumerated() {
                let taskStart = Date()
                let progress = TerminalProgress(quiet: quiet)
                let instruction = taskInstructions ? BRIGHTInstructions.query(forTask: dataset.name) : nil
                let setup = options.setup(queryInstruction: instruction, quiet: quiet)
                let indexDirectory = indexDir.map { URL(fileURLWithPath: $0).appendingPathComponent(dataset.name) }
                let (chosen, description, _) = try setup.make(for: dataset, indexDirectory: indexDirectory, progress: progress)
                let (result, taskNotes) = try await pipeline.evaluate(chosen, on: dataset, depth: depth,
                                                                      rerankPrompt: RerankPrompt.forTask(dataset.name),
                                                                      client: client, progress: progress)
                notes += taskNotes.map { "\(dataset.name) \($0)" }
                tag = description.split(separator: " ").prefix(2).joined(separator: "_") + pipeline.tagSuffix
                if let runDir {
                    try result.run.write(to: URL(fileURLWithPath: runDir).appendingPathComponent("\(dataset.name).trec"), tag: tag)
                }
                results.tasks.append((dataset.name, result.report))
                if !quiet {
                    let elapsed = Date().timeIntervalSince(began)
                    let remaining = elapsed / Double(number + 1) * Double(datasets.count - number - 1)
                    let ndcg = result.report.namedMeans(.pytrec, roundedTo: 5).first { $0.name == "ndcg_cut_10" }?.value ?? .nan
                    warn(String(format: "[%d/%d] %@: nDCG@10 %.5f, %d queries, %.1fs; elapsed %.0fs, ETA %.0fs",
                                number + 1, datasets.count, dataset.name, ndcg, dataset.queries.count,
                                Date().timeIntervalSince(taskStart), elapsed, remaining))
                }
            }
            if let client {
                notes.append("LLM: " + client.statistics.summary)
                try await client.shutdown()
            }
            if output.wanted {
                let settings = options.settings + (limit.map { [Setting("limit", String($0))] } ?? []) + [Setting("query_variant", queryVariant),
                                                   Setting("long_documents", longDocuments ? "true" : "false"),
                                                   Setting("depth", String(depth))] + pipeline.settings
                try output.write(ReportRun(label: output.label ?? tag, settings: settings, results: results),
                                 title: "BRIGHT: \(tag)")
            }
            if json {
                print(results.jsonString())
            } else {
                print("BRIGHT: \(directory) (\(queryVariant) queries\(longDocuments ? ", long documents" : ""))")
                print("retriever: \(options.retriever.rawValue)\(options.model.map { " " + $0 } ?? ""), depth \(depth)")
                for note in notes { print(note) }
                print(results.table())
            }
        }
    }
}
