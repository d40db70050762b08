import Foundation

/// Scores of one retriever over several tasks (BRIGHT's 12), with their average: the layout of
/// BRIGHT's and ReasonIR's result tables, and `reasonir bright --json`'s object.
public struct TaskResults: Sendable {
    public var tasks: [(name: String, report: EvaluationReport)] = []

    public init() {}

    /// Each metric's mean over the tasks (each task weighs the same, as in the papers' "Avg."),
    /// in metric order, unrounded.
    public var average: [(name: String, value: Double)] {
        guard let first = tasks.first else { return [] }
        return first.report.namedMeans(.pytrec, roundedTo: nil).indices.map { i in
            let name = first.report.namedMeans(.pytrec, roundedTo: nil)[i].name
            let values = tasks.map { $0.report.namedMeans(.pytrec, roundedTo: nil)[i].value }
            return (name, values.reduce(0, +) / Double(values.count))
        }
    }

    /// `{"tasks": {"biology": {"ndcg_cut_10": …, …, "num_q": 103}, …}, "average": {…}}`, means
    /// rounded to `digits` decimals, pytrec_eval's metric names.
    public func jsonString(roundedTo digits: Int = 5) -> String {
        let members = tasks.map { EvaluationReport.jsonQuoted($0.name) + ": " + $0.report.jsonString(.pytrec, roundedTo: digits) }
        let average = self.average.map {
            EvaluationReport.jsonQuoted($0.name) + ": " + EvaluationReport.jsonNumber(EvaluationReport.round($0.value, digits: digits))
        }
        return "{\"tasks\": {" + members.joined(separator: ", ") + "}, \"average\": {" + average.joined(separator: ", ") + "}}"
    }

    /// A table with a column per task and one for the average, a row per metric in `metrics`
    /// (pytrec_eval names), values × 100 with one decimal as the papers print them.
    public func table(metrics: [String] = ["ndcg_cut_10", "recall_100"]) -> String {
        let names = tasks.map(\.name) + ["Avg."]
        let widths = names.map { max($0.count, 5) }
        let labelWidth = max(12, metrics.map(\.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = [String(repeating: " ", count: labelWidth) + zip(names, widths).map { "  " + pad($0, $1) }.joined()]
        let average = Dictionary(self.average, uniquingKeysWith: { a, _ in a })
        for metric in metrics {
            var cells: [String] = []
            for (_, report) in tasks {
                let value = report.namedMeans(.pytrec, roundedTo: nil).first { $0.name == metric }?.value
                cells.append(value.map { formatHundred($0) } ?? "-")
            }
            cells.append(average[metric].map { formatHundred($0) } ?? "-")
            lines.append(metric.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                         + zip(cells, widths).map { "  " + pad($0, $1) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    private func formatHundred(_ value: Double) -> String {
        let tenths = (value * 1000).rounded()
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths)) % 10
        return "\(whole).\(fraction)"
    }
}
