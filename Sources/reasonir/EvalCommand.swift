import ArgumentParser
import Foundation
import ReasonIR
import Report

/// `reasonir eval`: index (or reuse the index), search every query, score the run.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a retriever on a BEIR or BRIGHT dataset: index, search, score.",
        discussion: """
            DATASET_DIR is BEIR (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) or BRIGHT \
            (examples.jsonl and documents.jsonl, or examples/<task>.jsonl and documents/<task>.jsonl \
            with --task). BRIGHT datasets are scored with BRIGHT's protocol.

            --retriever dense embeds with a local sentence-transformers model (--model: a name found \
            in $REASONIR_MODELS, ./models or ~/.cache/reasonir/models, or a directory) and searches \
            exactly. The index is cached under $REASONIR_CACHE/indexes (default ~/.cache/reasonir/indexes) and \
            reused while the corpus file is unchanged. --json prints one JSON object keyed by \
            pytrec_eval's metric names (ndcg_cut_10, recall_100, ...), then num_q.

            Examples:
                reasonir eval ../shared/data/scifact --retriever bm25 --json
                reasonir eval ../shared/data/theoremqa-theorems --split dev --bm25-variant lucene
                reasonir eval ../shared/data/scifact --retriever dense --model all-MiniLM-L6-v2 --json
                reasonir eval ../shared/data/scifact --retriever hybrid --model all-MiniLM-L6-v2 --fusion interpolate --hybrid-weight 0.5

            --retriever hybrid fuses BM25 and dense rankings (--hybrid-candidates from each, at least \
            --depth): reciprocal rank fusion (--fusion rrf, k = --rrf-k, 60) or min-max normalised \
            score interpolation (--fusion interpolate, --hybrid-weight is the dense share, 0.5).

            With an LLM (an OpenAI-compatible server; scripts/llm-server.sh starts a local one), \
            --rewrite rewrites each query first (BRIGHT) and --rerank rescores each query's top \
            --rerank-depth documents (ReasonIR), its prompts sent as raw text to /v1/completions as \
            ReasonIR does (--rerank-format chat sends them as a chat); progress and LLM call counts go to stderr, and \
            answers are cached so an interrupted run resumes where it stopped:
                reasonir eval ../shared/data/scifact --limit 50 --rerank --rerank-depth 20 --llm-url http://127.0.0.1:8080/v1
            """)

    @Argument(help: ArgumentHelp("The dataset directory.", valueName: "dataset-dir"))
    var datasetDirectory: String

    @OptionGroup var options: RetrieverOptions


    @Option(help: "Dense: text put before each query (e.g. e5's \"query: \").")
    var queryInstruction: String?

    @Option(help: "BEIR: the qrels split (qrels/<split>.tsv).")
    var split = "test"

    @Option(help: "BRIGHT: the task (reads examples/<task>.jsonl and documents/<task>.jsonl).")
    var task: String?

    @Option(help: "BRIGHT: the field used as the query text.")
    var queryField: EvaluationDataset.BRIGHTQueryField = .query

    @Option(help: "Documents retrieved and scored per query.")
    var depth = 1000

    @Option(help: "Evaluate only the first N queries.")
    var limit: Int?

    @OptionGroup(title: "Test-time reasoning") var reasoning: ReasoningOptions
    @OptionGroup(title: "LLM") var llm: LLMOptions
    @OptionGroup(title: "Query rewriting") var rewriting: RewriteOptions

    @Option(help: "Where to keep the index (default: the cache).")
    var indexDir: String?

    @Option(help: ArgumentHelp("Also write the run as a TREC file.", valueName: "file"))
    var runOutput: String?

    @Flag(help: "Print one JSON object keyed by pytrec_eval's metric names instead of a table.")
    var json = false

    @OptionGroup(title: "Results for `reasonir report`") var output: ReportOutputOptions

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if depth < 1 { throw ValidationError("--depth must be at least 1.") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    func run() async throws {
        try await reportingErrors {
            let progress = TerminalProgress(quiet: quiet)
            var dataset = try EvaluationDataset.open(directory: URL(fileURLWithPath: datasetDirectory), split: split,
                                                     task: task, queryField: queryField)
            if let limit { dataset = dataset.prefix(limit) }
            let start = Date()
            let (chosen, description, documentCount) = try makeRetriever(for: dataset, progress: progress)
            let indexSeconds = Date().timeIntervalSince(start)
            let pipeline = ReasonedRetrieval(reasoning: reasoning, rewriting: rewriting, llm: llm, quiet: quiet)
            let client = try pipeline.client()
            var (result, notes) = try await pipeline.evaluate(chosen, on: dataset, depth: depth,
                                                              rerankPrompt: RerankPrompt.forTask(task ?? dataset.name),
                                                              client: client, progress: progress)
            if let client {
                notes.append("LLM: " + client.statistics.summary)
                try await client.shutdown()
            }
            let tag = description.split(separator: " ").prefix(2).joined(separator: "_") + pipeline.tagSuffix
            if let runOutput {
                try result.run.write(to: URL(fileURLWithPath: runOutput), tag: tag)
            }
            if output.wanted {
                var scores = TaskResults()
                scores.tasks = [(dataset.name, result.report)]
                let settings = options.settings + [Setting("dataset", datasetDirectory), Setting("depth", String(depth))]
                    + pipeline.settings
                try output.write(ReportRun(label: output.label ?? tag, settings: settings, results: scores),
                                 title: "\(dataset.name): \(description)")
            }
            if json {
                print(result.report.jsonString(.pytrec, roundedTo: 5))
            } else {
                print("dataset: \(dataset.name) (\(dataset.layout.rawValue), \(documentCount) documents, \(dataset.queries.count) queries)")
                print("retriever: \(description), depth \(depth)")
                print(String(format: "index: %.2fs, search: %.2fs", indexSeconds, result.searchSeconds))
                for note in notes { print(note) }
                print(result.report.table(roundedTo: 5))
            }
        }
    }

    /// Opens (or builds) the index the retriever needs.
    private func makeRetriever(for dataset: EvaluationDataset,
                               progress: TerminalProgress) throws -> (any Retriever, String, Int) {
        return try options.setup(queryInstruction: queryInstruction, quiet: quiet)
            .make(for: dataset, indexDirectory: indexDir.map { URL(fileURLWithPath: $0) }, progress: progress)
    }
}
