import ArgumentParser
import Foundation
import ReasonIR

extension SynthesisTask: ExpressibleByArgument {}

/// `reasonir synthesize`: ReasonIR-Synthesizer over a corpus, resumable.
struct SynthesizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Make reasoning-intensive training data from seed documents with an LLM (ReasonIR-Synthesizer).",
        discussion: """
            Selects seed documents (length bounds, quality score, exact and near-duplicate removal), \
            then for each seed and task asks the LLM for a hard query (hq) or a varied-length query \
            with its document (vl), mines a BM25 hard negative (BRIGHT's BM25, skipping the top 20, \
            never the positive) and asks the LLM for a written hard negative. Answers must be JSON of \
            the step's shape and pass its checks, else they are asked again and finally recorded as \
            rejections with their reason.

            Every finished (seed, task) is appended to <output>/journal.jsonl; rerunning the same \
            command after an interruption does only what is missing. At the end <output> holds \
            train.jsonl (GritLM/ReasonIR shape), triplets.jsonl (sentence-transformers), \
            rejected.jsonl, report.json and report.txt.

            Example:
                scripts/llm-server.sh start   # prints http://127.0.0.1:PORT/v1
                reasonir synthesize --corpus ../shared/data/scifact --output work/synth-scifact \\
                    --limit 100 --llm-url http://127.0.0.1:PORT/v1 --llm-concurrency 2
            """)

    @Option(help: ArgumentHelp("The corpus: a BEIR directory or a BEIR/BRIGHT JSONL file.", valueName: "path"))
    var corpus: String

    @Option(help: ArgumentHelp("Where the journal, the BM25 index and the final files go.", valueName: "dir"))
    var output: String

    @Option(parsing: .upToNextOption, help: "Tasks: hq (hard queries), vl (varied-length data).")
    var tasks: [SynthesisTask] = SynthesisTask.allCases

    @Option(help: "Seeds to use at most: a fixed sample of the eligible documents (default: all).")
    var limit: Int?

    @Option(help: "Which sample --limit takes.")
    var sampleSeed: UInt64 = 0

    @Option(help: "Seeds need at least this many words.")
    var minWords = 50

    @Option(help: "Seeds have at most this many words.")
    var maxWords = 1000

    @Option(help: "MinHash (5-word shingles) similarity from which a document is a near-duplicate.")
    var nearDuplicateThreshold = 0.8

    @Option(help: "Least quality score of a seed: the default scorer gives 0–5 points for signs of clean prose (see HeuristicQualityScorer).")
    var minQuality = 3.0

    @Option(help: "Answers asked for per step before it is rejected.")
    var attempts = 3

    @Option(help: "Sampling temperature.")
    var temperature = 0.7

    @Option(help: "Nucleus sampling top-p.")
    var topP = 0.9

    @Option(help: "Sampling seed of the first attempt (attempt i uses seed + i).")
    var seed = 0

    @Option(help: "max_tokens of a hard query.")
    var hqMaxTokens = 384

    @Option(help: "max_tokens of a varied-length query and its document.")
    var vlMaxTokens = 2048

    @Option(help: "max_tokens of a written hard negative.")
    var negativeMaxTokens = 768

    @Option(help: "Query lengths in words for varied-length data, comma-separated (each seed gets one).")
    var vlQueryWords = "10,50,200,500,1000,2000"

    @Option(help: "Length in words asked of a varied-length document.")
    var vlDocumentWords = 200

    @Option(help: "Written hard negatives need at least this many words.")
    var minNegativeWords = 300

    @Flag(help: "Do not ask the LLM for written hard negatives.")
    var noLLMNegatives = false

    @Option(help: "BM25-mined negatives per record (0: none).")
    var bm25Negatives = 1

    @Option(help: "Top BM25 ranks never taken as negatives.")
    var bm25Skip = 20

    @Option(help: "Answers that repeat this many consecutive words of their source are rejected.")
    var quoteWords = 12

    @Flag(help: "Do not send the JSON schema as response_format (for servers that reject it).")
    var noJSONSchema = false

    @Option(help: "Query instruction in train.jsonl.")
    var queryInstruction = "Given a question, retrieve passages that help answer the question"

    @Option(help: "Examples of each kind in the report.")
    var examples = 5

    @Option(help: "Start no new record after this many minutes; those in flight finish, the files and report are written, and a rerun resumes.")
    var timeLimit: Double?

    @Flag(help: "Count seeds, calls and tokens without calling the LLM.")
    var dryRun = false

    @Flag(help: "Print the report as JSON instead of tables.")
    var json = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @OptionGroup(title: "LLM") var llm: LLMOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative.") }
        if attempts < 1 { throw ValidationError("--attempts must be at least 1.") }
        if bm25Negatives < 0 || bm25Skip < 0 { throw ValidationError("--bm25-negatives and --bm25-skip must not be negative.") }
        if let timeLimit, timeLimit <= 0 { throw ValidationError("--time-limit must be positive.") }
        if lengths == nil { throw ValidationError("--vl-query-words must be positive integers separated by commas.") }
    }

    private var lengths: [Int]? {
        let values = vlQueryWords.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.compactMap { $0 }
    }

    private func runConfiguration() -> SynthesisRunConfiguration {
        let options = SynthesisOptions(
            tasks: tasks, attempts: attempts, temperature: temperature, topP: topP, seed: seed,
            hardQueryMaxTokens: hqMaxTokens, variedLengthMaxTokens: vlMaxTokens, negativeMaxTokens: negativeMaxTokens,
            variedLengthQueryWords: lengths ?? [], variedLengthDocumentWords: vlDocumentWords,
            llmNegatives: !noLLMNegatives, minNegativeWords: minNegativeWords, quoteWords: quoteWords,
            jsonSchema: !noJSONSchema, queryInstruction: queryInstruction)
        let selection = SeedSelectionOptions(minWords: minWords, maxWords: maxWords, nearDuplicateThreshold: nearDuplicateThreshold,
                                             minQuality: minQuality, limit: limit, sampleSeed: sampleSeed)
        return SynthesisRunConfiguration(
            corpus: URL(fileURLWithPath: corpus), output: URL(fileURLWithPath: output), selection: selection, options: options,
            bm25Negatives: bm25Negatives, bm25Skip: bm25Skip,
            concurrency: llm.llmConcurrency * max(1, llm.llmURL.count), examples: examples,
            timeLimit: timeLimit.map { .milliseconds(Int64($0 * 60_000)) })
    }

    func run() async throws {
        try await reportingErrors {
            let configuration = runConfiguration()
            if dryRun {
                let plan = try SynthesisRun.plan(configuration)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(plan), as: UTF8.self))
                } else {
                    let s = plan.seeds
                    print("seeds: \(s.read) read, \(s.eligible) eligible, \(s.selected) selected")
                    print("records: \(plan.records) (\(plan.alreadyDone) done, \(plan.pending) to make)")
                    print("LLM calls: \(plan.minimumCalls) if every answer passes, at most \(plan.maximumCalls) with \(attempts) attempts per step")
                    print("tokens: about \(plan.estimatedPromptTokens) prompt (characters / 4), at most \(plan.maximumCompletionTokens) completion")
                }
                return
            }
            let clients = try llm.clients()
            let pool = EndpointPool(endpoints: clients, limit: llm.llmConcurrency)
            let report = try await SynthesisRun.run(
                configuration, model: pool,
                statistics: { clients.reduce(into: LLMStatistics()) { $0.add($1.statistics) } },
                progress: TerminalProgress(quiet: quiet, logInterval: 30))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table, terminator: "")
                print("\nfiles in \(output): train.jsonl, triplets.jsonl, rejected.jsonl, report.json, report.txt")
            }
            for client in clients { try await client.shutdown() }
        }
    }
}

extension LLMStatistics {
    /// Adds another client's counts.
    mutating func add(_ other: LLMStatistics) {
        calls += other.calls
        cacheHits += other.cacheHits
        requests += other.requests
        retries += other.retries
        failures += other.failures
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        serverSeconds += other.serverSeconds
        clientSeconds += other.clientSeconds
        queueSeconds += other.queueSeconds
        backoffSeconds += other.backoffSeconds
    }
}
