import ArgumentParser
import Foundation
import Report

/// `reasonir report`: several runs' results as one self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw several runs' results as one self-contained HTML page (inline SVG charts, tables, no JavaScript).",
        discussion: """
            Each RESULTS is a JSON file or a folder, optionally named: NAME=PATH. A file holds the JSON \
            of `reasonir bright --json` ({"tasks": {...}, "average": {...}}), of `eval --json` or \
            `evaluate-run --json` (one task, named after the file), of `rag --json` ({"conditions": \
            {...}}), or of `--results FILE` on `eval` and `bright` (the same with the run's label and \
            settings). A folder holds one such file per task, e.g. `evaluate-run --json` on each of a \
            model's 12 BRIGHT runs, saved as <task>.json.

            The page has per-task bars of --metric (default nDCG@10) for every run side by side, each \
            run's average, the metric's table × 100 as BRIGHT's and ReasonIR's papers print it, a table \
            of every metric, curves of the average against rerank depth and rewrite token budget where \
            runs carry those settings (`--results` records them), and RAG accuracy by condition with \
            its 95% interval.

            Examples:
                reasonir bright ~/data/BRIGHT --retriever bm25 --results bm25.json
                reasonir bright ~/data/BRIGHT --retriever dense --model all-MiniLM-L6-v2 --results minilm.json
                reasonir report bm25.json minilm.json ReasonIR-8B=runs/reasonir-8b --out report.html
            """)

    @Argument(help: ArgumentHelp("Results files or folders, each optionally NAME=PATH.", valueName: "results"))
    var results: [String]

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out: String

    @Option(help: "The page's title.")
    var title = "Retrieval results"

    @Option(help: "The metric the charts show (pytrec_eval's name: ndcg_cut_10, recall_100, map, ...).")
    var metric = "ndcg_cut_10"

    func validate() throws {
        if results.isEmpty { throw ValidationError("Give at least one results file or folder.") }
    }

    func run() throws {
        try reportingErrors {
            let runs = try results.map { argument -> ReportRun in
                let (label, path) = Self.split(argument)
                return try ResultsFile.read(URL(fileURLWithPath: path), label: label)
            }
            let report = HTMLReport(title: title, runs: runs, metric: metric)
            if !report.tasks.isEmpty, report.taskBarCount == 0 {
                throw ValidationError("No run has the metric \"\(metric)\" (pytrec_eval's names: ndcg_cut_10, recall_100, map, ...).")
            }
            try report.write(to: URL(fileURLWithPath: out))
            warn("wrote \(out): \(runs.count) runs, \(report.tasks.count) tasks")
        }
    }

    /// NAME=PATH, or PATH alone when the whole argument names a file (a path may hold "=").
    static func split(_ argument: String) -> (label: String?, path: String) {
        if FileManager.default.fileExists(atPath: argument) { return (nil, argument) }
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return (nil, argument) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
