import ArgumentParser
import Foundation
import Report
import RAG
import ReasonIR

/// `reasonir rag`: retrieval-augmented answering, closed book against open book against oracle.
struct RagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag",
        abstract: "Answer questions with retrieved documents and measure whether retrieval helped.",
        discussion: """
            Conditions: closed (the question only), open (the retriever's top k), oracle (the qrels' gold documents).
            Answers are extracted and scored as TheoremQA scores them (numbers within 4%, lists element by element, \
            True/False), or by exact letter for multiple-choice files. Every answer is journaled in --out: a killed \
            run resumes and asks the model for nothing twice.

            Examples:
                reasonir rag ../shared/data/theoremqa-theorems --split dev --condition closed --condition open --condition oracle \\
                    --k 3 --model models/Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf --json
                reasonir rag ../shared/data/theoremqa-theorems --split dev --condition closed --condition open \\
                    --llm-url http://localhost:8000/v1 --llm-model Qwen/Qwen2.5-7B-Instruct --json
                reasonir rag score --predictions preds.jsonl --dataset ../shared/data/theoremqa-theorems --split dev --json
            """,
        subcommands: [RagRunCommand.self, RagScoreCommand.self],
        defaultSubcommand: RagRunCommand.self)
}

/// The questions of a dataset directory (queries.jsonl with answers, restricted to the split's
/// qrels when there are any) or of one JSONL file.
func loadRAGQuestions(_ path: String, split: String) throws -> (RAGQuestionSet, Qrels?) {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw ValidationError("\(path): no such file or directory")
    }
    if !isDirectory.boolValue { return (try RAGQuestionSet.load(url), nil) }
    var set = try RAGQuestionSet.load(url.appendingPathComponent("queries.jsonl"))
    let qrelsURL = url.appendingPathComponent("qrels/\(split).tsv")
    guard FileManager.default.fileExists(atPath: qrelsURL.path) else { return (set, nil) }
    let qrels = try BEIRDataset(directory: url).qrels(split: split)
    set.questions = set.questions.filter { qrels[$0.id] != nil }
    return (set, qrels)
}

struct RagRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Generate, extract and score (the default).")

    @Argument(help: "A dataset directory (corpus.jsonl, queries.jsonl with answers, qrels/SPLIT.tsv) or a questions JSONL file.")
    var dataset: String

    @Option(help: "The qrels split whose questions are answered.")
    var split = "dev"

    @Option(help: "closed, open or oracle; repeat for several (default: closed and open).")
    var condition: [RAGCondition] = []

    @Option(help: "Documents shown to the reader (open: the top k; oracle: at most k gold documents).")
    var k = 3

    @Option(help: "Answer only the first N questions (a subset; say so when reporting).")
    var limit: Int?

    @Option(help: "The retriever for the open condition: bm25, dense or hybrid.")
    var retriever: RetrieverChoice = .bm25

    @Option(help: "Dense and hybrid: the embedding model, by name or directory.")
    var embedder: String?

    @Option(help: "An index directory to retrieve from (default: the cache, built from the dataset's corpus).")
    var index: String?

    @OptionGroup var bm25: BM25Options
    @OptionGroup(title: "Hybrid") var fusion: FusionOptions

    @Option(help: "The reader: a GGUF file run in process (else --llm-url).")
    var model: String?

    @OptionGroup(title: "OpenAI-compatible reader") var llm: LLMOptions

    @Option(help: "Reader sampling temperature (0: greedy, as TheoremQA's evaluation).")
    var temperature: Double = 0

    @Option(help: "Most tokens per answer.")
    var maxTokens = 512

    @Option(help: "Local reader: the context length.")
    var context = 4096

    @Option(help: "Characters kept of each document in the prompt.")
    var documentCharacters = 1500

    @Option(help: "Threads for the local reader and retrieval.")
    var threads: Int = defaultThreadCount

    @Option(help: "Where predictions are journaled (default: rag-runs/DATASET-SPLIT-READER).")
    var out: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Also write an HTML report of the accuracy by condition (see `reasonir report`).", valueName: "file"))
    var report: String?

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1.") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
        if model == nil && llm.llmURL.isEmpty && ProcessInfo.processInfo.environment["OPENAI_BASE_URL"] == nil {
            throw ValidationError("give a reader: --model FILE.gguf or --llm-url URL")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let conditions = condition.isEmpty ? [RAGCondition.closed, .open] : condition.reduce(into: [RAGCondition]()) { if !$0.contains($1) { $0.append($1) } }
            var (set, qrels) = try loadRAGQuestions(dataset, split: split)
            if !set.skippedWithoutAnswer.isEmpty {
                warn("skipped \(set.skippedWithoutAnswer.count) question(s) without an answer (first: \(set.skippedWithoutAnswer.first!))")
            }
            if let limit { set.questions = Array(set.questions.prefix(limit)) }
            guard !set.questions.isEmpty else { throw ValidationError("\(dataset): no questions with answers in split \(split)") }

            let needsCorpus = conditions.contains(.open) || conditions.contains(.oracle)
            let directory = URL(fileURLWithPath: dataset)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            let hasCorpus = isDirectory.boolValue && FileManager.default.fileExists(atPath: directory.appendingPathComponent("corpus.jsonl").path)
            if needsCorpus && !hasCorpus {
                throw ValidationError("\(dataset): the open and oracle conditions need documents (a dataset directory with corpus.jsonl); this has none: use --condition closed")
            }
            let progress = TerminalProgress(quiet: false, logInterval: 30)
            var retrieverAdapter: (any RAGRetriever)?
            var retrieverName = "none"
            var oracle: [String: [RAGDocument]] = [:]
            if needsCorpus {
                let opened = try EvaluationDataset.open(directory: directory, split: split)
                var texts: [String: String] = [:]
                for document in try opened.corpus.collect() { texts[document.id] = document.text }
                if conditions.contains(.open) {
                    let setup = RetrieverSetup(retriever: retriever, bm25: bm25, fusion: fusion, model: embedder, vectorType: .f32,
                                               queryInstruction: nil, precision: .float32, threads: threads, rebuild: false, quiet: false)
                    let (chosen, description, _) = try setup.make(for: opened, indexDirectory: index.map { URL(fileURLWithPath: $0) }, progress: progress)
                    retrieverAdapter = CorpusRetriever(retriever: chosen, texts: texts)
                    retrieverName = retriever.rawValue
                    warn("retriever: \(description)")
                }
                for question in set.questions {
                    let gold = (qrels?[question.id] ?? [:]).filter { $0.value > 0 }.keys.sorted()
                    oracle[question.id] = gold.compactMap { id in texts[id].map { RAGDocument(id: id, text: $0) } }
                }
            }

            let reader: any ChatModel
            let readerName: String
            if let model {
                let local = try LocalLanguageModel(gguf: URL(fileURLWithPath: model), threads: threads, contextLength: context)
                reader = local
                readerName = local.name
            } else {
                let client = try llm.client()
                reader = client
                readerName = llm.llmModel ?? "server"
            }
            var run = RAGRun(questions: set.questions, conditions: conditions, k: k, retriever: retrieverAdapter, oracle: oracle,
                             options: ChatOptions(temperature: temperature, maxTokens: maxTokens, seed: llm.llmSeed ?? 0),
                             maxDocumentCharacters: documentCharacters)
            run.retrieverName = retrieverName
            let safe = { (s: String) in String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }) }
            let outDirectory = URL(fileURLWithPath: out ?? "rag-runs/\(safe(directory.lastPathComponent))-\(split)-\(safe(readerName))")
            let journal = outDirectory.appendingPathComponent("predictions.jsonl")
            let started = Date()
            let total = set.questions.count * conditions.count
            let already = try RAGRun.journaledCount(journal)
            if already > 0 { warn("resuming: \(already) answer(s) journaled in \(journal.path)") }
            let predictions = try await run.run(model: reader, journal: journal) { done, pending, _ in
                progress.report(ProgressUpdate(task: "answering", completed: done, total: pending, unit: "answers"))
            }
            _ = total
            let wall = Date().timeIntervalSince(started)
            let summary = RAGSummary.make(predictions: predictions, run: run, skipped: set.skippedWithoutAnswer.count, wallSeconds: wall)
            try AtomicFileWriter.write(try summary.json() + "\n", to: outDirectory.appendingPathComponent("summary.json"))
            if let report {
                let run = try ResultsFile.read(outDirectory.appendingPathComponent("summary.json"), label: outDirectory.lastPathComponent)
                try HTMLReport(title: "RAG: \(URL(fileURLWithPath: dataset).lastPathComponent) \(split)", runs: [run])
                    .write(to: URL(fileURLWithPath: report))
            }
            if json {
                print(try summary.json())
            } else {
                print(summary.table())
                warn("predictions: \(journal.path)")
            }
        }
    }
}

extension RAGCondition: ExpressibleByArgument {}

/// One of our retrievers over the dataset's corpus, as the RAG layer asks for documents.
struct CorpusRetriever: RAGRetriever {
    var retriever: any Retriever
    var texts: [String: String]
    func retrieve(_ question: RAGQuestion, k: Int) async throws -> [RAGDocument] {
        let hits = try retriever.retrieve([question.text], k: k, excluding: nil, progress: SilentProgress()).first ?? []
        return hits.map { RAGDocument(id: $0.id, text: texts[$0.id] ?? "") }
    }
}

struct RagScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score given predictions (JSONL: id, prediction) with TheoremQA's rules or exact letters, without generating.")

    @Option(help: "The predictions JSONL: one {\"id\": ..., \"prediction\": \"...\"} per line.")
    var predictions: String

    @Option(help: "The dataset directory or questions JSONL the ids come from.")
    var dataset: String

    @Option(help: "The qrels split.")
    var split = "dev"

    @Flag(help: "Print JSON: {\"accuracy\": ..., \"n\": ..., \"correct\": [ids]}.")
    var json = false

    func run() throws {
        try reportingErrors {
            let (set, _) = try loadRAGQuestions(dataset, split: split)
            let byID = Dictionary(set.questions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = try PredictionFile.load(URL(fileURLWithPath: predictions))
            var correct: [String] = []
            for row in rows {
                guard let question = byID[row.id] else {
                    throw ValidationError("\(predictions):\(row.line): id \"\(row.id)\" is not a question of \(dataset) (split \(split)) with an answer")
                }
                if RAGScoring.scorePrediction(row.prediction, gold: question.gold) { correct.append(row.id) }
            }
            let accuracy = rows.isEmpty ? 0 : Double(correct.count) / Double(rows.count)
            if json {
                try printJSON(["accuracy": accuracy, "n": rows.count, "correct": correct])
            } else {
                print(String(format: "accuracy %.4f (%d of %d)", accuracy, correct.count, rows.count))
            }
        }
    }
}
