import Foundation

/// Everything `reasonir synthesize` needs, in one place for library users too.
public struct SynthesisRunConfiguration: Sendable {
    public var corpus: URL
    /// Holds the journal, the BM25 index (unless `bm25Index` is given) and the final files.
    public var output: URL
    public var selection: SeedSelectionOptions
    public var scorer: any QualityScorer
    public var options: SynthesisOptions
    /// Mined negatives per record (0: none) and the top ranks skipped.
    public var bm25Negatives: Int
    public var bm25Skip: Int
    public var bm25Index: URL?
    /// Records in flight at once.
    public var concurrency: Int
    public var examples: Int
    /// No new record is started after this long (those in flight finish); a rerun resumes.
    public var timeLimit: Duration?

    public init(corpus: URL, output: URL, selection: SeedSelectionOptions = SeedSelectionOptions(),
                scorer: any QualityScorer = HeuristicQualityScorer(), options: SynthesisOptions = SynthesisOptions(),
                bm25Negatives: Int = 1, bm25Skip: Int = 20, bm25Index: URL? = nil, concurrency: Int = 8, examples: Int = 5,
                timeLimit: Duration? = nil) {
        self.corpus = corpus
        self.output = output
        self.selection = selection
        self.scorer = scorer
        self.options = options
        self.bm25Negatives = bm25Negatives
        self.bm25Skip = bm25Skip
        self.bm25Index = bm25Index
        self.concurrency = concurrency
        self.examples = examples
        self.timeLimit = timeLimit
    }

    public var journalURL: URL { output.appendingPathComponent("journal.jsonl") }

    /// The settings that decide what a record holds: a resumed run must use the same ones.
    var fingerprint: [String: String] {
        let o = options, s = selection
        return [
            "corpus": corpus.standardizedFileURL.path, "prompts": "\(SynthesisPrompts.version)",
            "tasks": o.tasks.map(\.rawValue).joined(separator: ","), "attempts": "\(o.attempts)",
            "temperature": "\(o.temperature.map { "\($0)" } ?? "server")", "top_p": "\(o.topP.map { "\($0)" } ?? "server")",
            "seed": "\(o.seed)", "max_tokens": "\(o.hardQueryMaxTokens),\(o.variedLengthMaxTokens),\(o.negativeMaxTokens)",
            "vl_query_words": o.variedLengthQueryWords.map(String.init).joined(separator: ","),
            "vl_document_words": "\(o.variedLengthDocumentWords)",
            "hq_words": "\(o.hardQueryWords.lowerBound)-\(o.hardQueryWords.upperBound)",
            "llm_negatives": "\(o.llmNegatives)", "min_negative_words": "\(o.minNegativeWords)",
            "quote_words": "\(o.quoteWords)", "prompt_document_words": "\(o.maxPromptDocumentWords)",
            "json_schema": "\(o.jsonSchema)", "bm25": "\(bm25Negatives) after \(bm25Skip)",
            "seed_words": "\(s.minWords)-\(s.maxWords)", "near_duplicate": "\(s.nearDuplicateThreshold)",
            "quality": "\(scorer.name)>=\(s.minQuality)", "sample_seed": "\(s.sampleSeed)",
        ]
    }
}

/// What a dry run expects a run to cost.
public struct SynthesisPlan: Sendable, Codable {
    public var seeds: SeedStatistics
    public var records: Int
    public var alreadyDone: Int
    public var pending: Int
    /// Calls if every first answer passes, and if every step uses all its attempts.
    public var minimumCalls: Int
    public var maximumCalls: Int
    /// Prompt tokens of the minimum calls, estimated as characters / 4.
    public var estimatedPromptTokens: Int
    /// Completion tokens of the minimum calls at most (their `max_tokens`).
    public var maximumCompletionTokens: Int
}

/// Runs ReasonIR-Synthesizer over a corpus: seeds, BM25 index, journal, LLM records, final files.
public enum SynthesisRun {
    /// The corpus's documents and the selected seeds.
    public static func selectSeeds(_ configuration: SynthesisRunConfiguration) throws -> (corpus: [Document], selection: SeedSelection) {
        var documents: [Document] = []
        for record in try CorpusFile.open(configuration.corpus) { documents.append(try record.get()) }
        let selection = try SeedSelector(options: configuration.selection, scorer: configuration.scorer).select(documents)
        return (documents, selection)
    }

    /// Counts calls and tokens without calling the LLM (and without taking the journal's lock).
    public static func plan(_ configuration: SynthesisRunConfiguration) throws -> SynthesisPlan {
        try configuration.options.validate()
        let (_, selection) = try selectSeeds(configuration)
        var done = Set<SynthesisRecord.Key>()
        if let data = FileManager.default.contents(atPath: configuration.journalURL.path) {
            done = Set(try SynthesisJournal.parse(Array(data), path: configuration.journalURL.path).records.map(\.key))
        }
        let o = configuration.options
        var plan = SynthesisPlan(seeds: selection.statistics, records: 0, alreadyDone: 0, pending: 0, minimumCalls: 0,
                                 maximumCalls: 0, estimatedPromptTokens: 0, maximumCompletionTokens: 0)
        let negativeSystem = SynthesisPrompts.negativeSystem(minimumWords: o.minNegativeWords).count
        for seed in selection.seeds {
            for task in o.tasks {
                plan.records += 1
                if done.contains(.init(seed: seed.id, task: task)) { plan.alreadyDone += 1; continue }
                plan.pending += 1
                let characters: Int, maxTokens: Int, positiveCharacters: Int
                switch task {
                case .hardQuery:
                    characters = SynthesisPrompts.hardQuerySystem.count + SynthesisPrompts.hardQueryUser(document: seed.text).count
                    maxTokens = o.hardQueryMaxTokens
                    positiveCharacters = seed.text.count
                case .variedLength:
                    let target = o.targetWords(for: seed.id)
                    characters = SynthesisPrompts.variedLengthSystem(queryWords: target, documentWords: o.variedLengthDocumentWords).count
                        + SynthesisPrompts.variedLengthUser(seed: seed.text).count
                    maxTokens = o.variedLengthMaxTokens
                    positiveCharacters = o.variedLengthDocumentWords * 6
                }
                let steps = o.llmNegatives ? 2 : 1
                plan.minimumCalls += steps
                plan.maximumCalls += steps * o.attempts
                plan.estimatedPromptTokens += characters / 4
                plan.maximumCompletionTokens += maxTokens
                if o.llmNegatives {
                    // The query is not known yet: count it at half the query's token limit.
                    plan.estimatedPromptTokens += (negativeSystem + positiveCharacters) / 4 + maxTokens / 2
                    plan.maximumCompletionTokens += o.negativeMaxTokens
                }
            }
        }
        return plan
    }

    /// Makes every missing record, then writes the final files from the journal. `statistics`
    /// gives the LLM client's counts for the report.
    public static func run(_ configuration: SynthesisRunConfiguration, model: any ChatModel,
                           statistics: @Sendable () -> LLMStatistics = { LLMStatistics() },
                           progress: any ProgressReporter = SilentProgress()) async throws -> SynthesisReport {
        let started = ContinuousClock.now
        try configuration.options.validate()
        try FileManager.default.createDirectory(at: configuration.output, withIntermediateDirectories: true)
        let journal = try SynthesisJournal(url: configuration.journalURL)
        try checkSettings(configuration)
        let (documents, selection) = try selectSeeds(configuration)
        var miner: BM25NegativeMiner?
        var corpus: [String: String] = [:]
        if configuration.bm25Negatives > 0 {
            let directory = configuration.bm25Index ?? configuration.output.appendingPathComponent("bm25")
            let index = try BM25Indexing.openOrBuild(corpus: try CorpusFile.open(configuration.corpus), directory: directory,
                                                     progress: progress).index
            miner = BM25NegativeMiner(index: index, skipTop: configuration.bm25Skip, count: configuration.bm25Negatives)
            corpus = Dictionary(documents.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
        }
        let synthesizer = try Synthesizer(model: model, options: configuration.options, miner: miner, corpus: corpus,
                                          duplicates: selection.duplicates)
        let setup = ContinuousClock.now - started
        try await synthesizer.run(seeds: selection.seeds, journal: journal, concurrency: configuration.concurrency,
                                  deadline: configuration.timeLimit.map { started + $0 }, progress: progress)
        let finishing = ContinuousClock.now
        let records = TrainingFiles.ordered(await journal.records, seeds: selection.seeds.map(\.id), tasks: configuration.options.tasks)
        var report = SynthesisReport.make(records: records, selection: selection.statistics,
                                          scorer: configuration.scorer.name,
                                          pending: selection.seeds.count * configuration.options.tasks.count - records.count,
                                          examples: configuration.examples)
        let llm = statistics()
        report.llm = ["calls": Double(llm.calls), "cache_hits": Double(llm.cacheHits), "requests": Double(llm.requests),
                      "retries": Double(llm.retries), "prompt_tokens": Double(llm.promptTokens),
                      "completion_tokens": Double(llm.completionTokens), "server_seconds": llm.serverSeconds,
                      "client_seconds": llm.clientSeconds]
        let (wait, own) = synthesizer.timing
        // The final files are written once more after the timing is known; their first write counts.
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        try TrainingFiles.write(records: records, options: configuration.options, report: report, to: configuration.output)
        let end = ContinuousClock.now
        report.timing = SynthesisReport.Timing(wallSeconds: seconds(end - started), llmWaitSeconds: wait,
                                               pipelineSeconds: seconds(setup) + own + seconds(end - finishing) + llm.clientSeconds)
        try TrainingFiles.write(records: records, options: configuration.options, report: report, to: configuration.output)
        return report
    }

    /// Records the settings on the first run; a later run with other settings is refused.
    static func checkSettings(_ configuration: SynthesisRunConfiguration) throws {
        let url = configuration.output.appendingPathComponent("settings.json")
        let current = configuration.fingerprint
        if let data = FileManager.default.contents(atPath: url.path) {
            let stored = (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
            for key in current.keys.sorted() where stored[key] != current[key] {
                throw SynthesisError.settingsChanged(path: configuration.output.path, field: key)
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(current).write(to: url, options: .atomic)
    }
}
