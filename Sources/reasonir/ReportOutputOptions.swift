import ArgumentParser
import Foundation
import Report

/// `--results FILE` and `--report FILE`: what `eval` and `bright` write for `reasonir report`.
struct ReportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the scores with the run's settings as JSON, for `reasonir report`.", valueName: "file"))
    var results: String?

    @Option(help: ArgumentHelp("Also write an HTML report of this run (charts and tables, self-contained).", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("The run's name in the results and the report (default: the retriever).", valueName: "name"))
    var label: String?

    var wanted: Bool { results != nil || report != nil }

    /// Writes what was asked for.
    func write(_ run: ReportRun, title: String) throws {
        if let results { try ResultsFile.write(run, to: URL(fileURLWithPath: results)) }
        if let report { try HTMLReport(title: title, runs: [run]).write(to: URL(fileURLWithPath: report)) }
    }
}
