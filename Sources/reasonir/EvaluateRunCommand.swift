import ArgumentParser
import Evaluation
import Foundation

/// `reasonir evaluate-run`: scores a TREC run with pytrec_eval's metrics.
struct EvaluateRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-run",
        abstract: "Score a TREC run against qrels or BRIGHT examples, with the metrics of pytrec_eval (trec_eval).",
        discussion: """
            The run is a TREC file: `qid Q0 docid rank score tag` per line. A docid may \
            contain spaces (it is every field between the 2nd and the last three). Ranks \
            are ignored: as in trec_eval, each query is sorted by score, ties by docid \
            descending.

            Judgments, one of:
            --qrels FILE
                BEIR qrels (`query-id<TAB>corpus-id<TAB>score`, header row) or TREC \
            qrels (`qid 0 docid relevance`); the layout is detected. Queries of the run \
            without judgments are skipped.
            --bright-examples FILE
                BRIGHT examples JSONL, scored with BRIGHT's protocol: each query's \
            `excluded_ids` are removed, the 1000 best are kept, the qrels are `gold_ids` \
            at relevance 1, and every example counts (one missing from the run scores 0).

            Metrics: ndcg_cut, map_cut, recall and P at 1, 5, 10, 25, 50, 100, \
            recip_rank and map; means over the evaluated queries, rounded to 5 decimals \
            as BRIGHT does. --json prints one JSON object keyed by pytrec_eval's names, \
            then num_q (the number of evaluated queries):
                {"ndcg_cut_1": 0.4466, ..., "map": 0.3744, "num_q": 103}

            Examples:
                reasonir evaluate-run --run bm25.trec --qrels scifact/qrels/test.tsv
                reasonir evaluate-run --run biology.trec \\
                    --bright-examples bright/examples/biology.jsonl --json
            """)

    @Option(name: .customLong("run"), help: ArgumentHelp("The TREC run file to score.", valueName: "file"))
    var runFile: String

    @Option(help: ArgumentHelp("Judgments: BEIR tsv or TREC qrels.", valueName: "file"))
    var qrels: String?

    @Option(help: ArgumentHelp("BRIGHT examples JSONL; scores with BRIGHT's protocol.", valueName: "file"))
    var brightExamples: String?

    @Option(help: ArgumentHelp(
        "Documents kept per query, by a stable sort on score (default: 1000 with --bright-examples, all with --qrels).",
        valueName: "n"))
    var depth: Int?

    @Option(help: ArgumentHelp("Decimals to round the means to (Python's round).", valueName: "n"))
    var digits: Int = 5

    @Flag(help: "Print the means unrounded (shortest form that reads back exactly).")
    var unrounded = false

    @Flag(help: "Print one JSON object keyed by pytrec_eval's metric names instead of a table.")
    var json = false

    func validate() throws {
        switch (qrels, brightExamples) {
        case (nil, nil): throw ValidationError("Give the judgments with --qrels FILE or --bright-examples FILE.")
        case (_?, _?): throw ValidationError("Give either --qrels or --bright-examples, not both.")
        default: break
        }
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1.") }
        if digits < 0 || digits > 17 { throw ValidationError("--digits must be between 0 and 17.") }
    }

    func run() throws {
        let report: EvaluationReport
        do {
            report = try evaluate()
        } catch {
            // Every failure here is an EvaluationError, whose description names file, line and field.
            warn("error: \(error)")
            throw ExitCode.failure
        }
        let rounding = unrounded ? nil : digits
        if json {
            print(report.jsonString(.pytrec, roundedTo: rounding))
        } else {
            print("run: \(runFile)")
            print(report.table(roundedTo: rounding ?? 17))
        }
    }

    private func evaluate() throws -> EvaluationReport {
        let run = try Run.read(from: URL(fileURLWithPath: runFile))
        let evaluator = Evaluator(metrics: .standard)
        let report: EvaluationReport
        let judgments: String
        if let brightExamples {
            let examples = try BRIGHTDataset.examples(at: URL(fileURLWithPath: brightExamples)).collect()
            let missing = examples.filter { run[$0.id] == nil }.count
            guard missing < examples.count else {
                throw EvaluationError.noQueriesToEvaluate(run: runFile, judgments: brightExamples)
            }
            if missing > 0 {
                warn("warning: \(missing) of \(examples.count) example queries are not in the run; they score 0 (BRIGHT's protocol)")
            }
            report = evaluator.evaluate(run: run, brightExamples: examples, depth: depth ?? 1000)
            judgments = brightExamples
        } else {
            let path = qrels ?? ""
            report = evaluator.evaluate(run: run, qrels: try QrelsFile.read(from: URL(fileURLWithPath: path)), depth: depth)
            judgments = path
        }
        guard !report.evaluatedQueries.isEmpty else {
            throw EvaluationError.noQueriesToEvaluate(run: runFile, judgments: judgments)
        }
        return report
    }
}
