import Evaluation
import Foundation

/// One self-contained HTML page of results: per-task bars of a metric for several runs side by
/// side, their averages, the metric's table as the papers print it, every metric's table, curves
/// of the metric against test-time compute and RAG accuracy by condition where the results carry
/// them. Inline SVG and CSS only: no network, no JavaScript; well-formed XHTML.
public struct HTMLReport: Sendable {
    public var title: String
    public var runs: [ReportRun]
    /// The metric the charts show (pytrec_eval's name).
    public var metric: String
    public var generated: Date

    public init(title: String = "Retrieval results", runs: [ReportRun], metric: String = "ndcg_cut_10", generated: Date = Date()) {
        self.title = title
        self.runs = runs
        self.metric = metric
        self.generated = generated
    }

    /// Every task of any run, in the order they first appear.
    public var tasks: [String] {
        var seen = Set<String>(), order: [String] = []
        for run in runs { for task in run.tasks where seen.insert(task.name).inserted { order.append(task.name) } }
        return order
    }

    /// Bars in the per-task chart: one a (task, run) pair with a value.
    public var taskBarCount: Int {
        runs.reduce(0) { count, run in count + run.tasks.filter { $0.value(metric) != nil }.count }
    }

    public func render() throws -> String {
        guard !runs.isEmpty else { throw ReportError.nothingToReport }
        let metricName = MetricName.display(metric)
        let retrieval = runs.enumerated().filter { !$0.element.tasks.isEmpty }
        let rag = runs.enumerated().filter { !$0.element.conditions.isEmpty }
        var body = "<h1>\(Markup.escape(title))</h1>\n<p class=\"meta\">\(runs.count) run\(runs.count == 1 ? "" : "s")"
        if !tasks.isEmpty { body += ", \(tasks.count) task\(tasks.count == 1 ? "" : "s"); charts show \(Markup.escape(metricName))" }
        body += ". Made by <code>reasonir report</code> on \(Self.dateFormatter.string(from: generated)).</p>\n"
        body += runList()
        if !retrieval.isEmpty {
            body += perTaskSection(retrieval, metricName: metricName)
            body += averageSection(retrieval, metricName: metricName)
            body += curveSections(metricName: metricName)
        }
        if !rag.isEmpty { body += ragSection(rag) }
        if !retrieval.isEmpty { body += everyMetricSection(retrieval) }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(Markup.escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// Writes the page through a temporary file renamed into place.
    public func write(to url: URL) throws {
        try AtomicFileWriter.write(try render(), to: url)
    }

    // MARK: Sections

    private func swatch(_ index: Int) -> String {
        "<span class=\"swatch\" style=\"background:\(Palette.colour(index))\"></span>"
    }

    private func runList() -> String {
        var out = "<section id=\"runs\">\n<h2>Runs</h2>\n<table class=\"runs\">\n<tr><th>Run</th><th>Settings</th><th>Source</th></tr>\n"
        for (index, run) in runs.enumerated() {
            let settings = run.settings.map { "\(Markup.escape($0.name)) = \(Markup.escape($0.value))" }.joined(separator: "; ")
            out += "<tr><td>\(swatch(index))\(Markup.escape(run.label))</td><td>\(settings.isEmpty ? "–" : settings)</td>"
                + "<td><code>\(Markup.escape(run.source))</code></td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    private func legend(_ runs: [(offset: Int, element: ReportRun)]) -> String {
        "<ul class=\"legend\">" + runs.map { "<li>\(swatch($0.offset))\(Markup.escape($0.element.label))</li>" }.joined() + "</ul>\n"
    }

    private func perTaskSection(_ retrieval: [(offset: Int, element: ReportRun)], metricName: String) -> String {
        let tasks = self.tasks
        let chart = GroupedBarChart(
            id: "per-task", groups: tasks,
            series: retrieval.map { index, run in
                .init(label: run.label, colour: Palette.colour(index), values: tasks.map { run.value(metric, task: $0) })
            },
            valueLabel: metricName, barClass: "task-bar", width: max(960, Double(tasks.count * retrieval.count) * 14 + 80))
        var out = "<section id=\"per-task-section\">\n<h2>\(Markup.escape(metricName)) per task</h2>\n" + legend(retrieval)
        out += "<div class=\"figure\">" + chart.svg() + "</div>\n"
        // The metric's table as BRIGHT's and ReasonIR's papers print it: × 100, one decimal, with the average.
        out += "<div class=\"figure\"><table class=\"scores\" id=\"main-table\">\n<tr><th>\(Markup.escape(metricName)) × 100</th>"
            + tasks.map { "<th>\(Markup.escape($0))</th>" }.joined() + "<th>Avg.</th></tr>\n"
        for (index, run) in retrieval {
            out += "<tr><td>\(swatch(index))\(Markup.escape(run.label))</td>"
                + tasks.map { task in run.value(metric, task: task).map { "<td>\(Markup.hundred($0))</td>" } ?? "<td>–</td>" }.joined()
                + "<td class=\"avg\">\(run.average(metric).map(Markup.hundred) ?? "–")</td></tr>\n"
        }
        return out + "</table></div>\n</section>\n"
    }

    private func averageSection(_ retrieval: [(offset: Int, element: ReportRun)], metricName: String) -> String {
        let entries = retrieval.compactMap { index, run in
            run.average(metric).map { (label: run.label, colour: Palette.colour(index), value: $0) }
        }
        guard !entries.isEmpty else { return "" }
        let counts = Set(retrieval.map { $0.element.tasks.count })
        var out = "<section id=\"average-section\">\n<h2>Average \(Markup.escape(metricName))</h2>\n"
        if counts.count > 1 {
            out += "<p class=\"note\">The runs cover different tasks (\(counts.sorted().map(String.init).joined(separator: ", "))): "
                + "each average is over the run's own tasks.</p>\n"
        }
        let chart = RankedBarChart(id: "average", entries: entries, valueLabel: "Average " + metricName, barClass: "avg-bar")
        return out + "<div class=\"figure\">" + chart.svg() + "</div>\n</section>\n"
    }

    private func curveSections(metricName: String) -> String {
        var out = ""
        for dimension in ComputeCurve.dimensions {
            guard let curve = ComputeCurve.make(dimension, runs: runs, metric: metric) else { continue }
            let chart = LineChart(
                id: "curve-" + dimension.setting,
                series: curve.series.map { series in
                    .init(label: series.label, colour: Palette.colour(series.points.first?.run ?? 0),
                          points: series.points.map { ($0.x, $0.y) })
                },
                xLabel: dimension.title, yLabel: "Average " + metricName)
            out += "<section class=\"curve\">\n<h2>Average \(Markup.escape(metricName)) against \(Markup.escape(dimension.title.lowercased()))</h2>\n"
                + "<ul class=\"legend\">" + curve.series.map { series in
                    "<li>\(swatch(series.points.first?.run ?? 0))\(Markup.escape(series.label))</li>"
                }.joined() + "</ul>\n<div class=\"figure\">" + chart.svg() + "</div>\n</section>\n"
        }
        return out
    }

    private func ragSection(_ rag: [(offset: Int, element: ReportRun)]) -> String {
        var seen = Set<String>(), conditions: [String] = []
        for (_, run) in rag { for condition in run.conditions where seen.insert(condition.name).inserted { conditions.append(condition.name) } }
        let chart = GroupedBarChart(
            id: "rag", groups: conditions,
            series: rag.map { index, run in
                let byName = Dictionary(run.conditions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
                return .init(label: run.label, colour: Palette.colour(index),
                             values: conditions.map { byName[$0]?.accuracy }, intervals: conditions.map { byName[$0]?.interval })
            },
            valueLabel: "Accuracy", barClass: "rag-bar", fixedMaximum: 1)
        var out = "<section id=\"rag-section\">\n<h2>Answer accuracy by condition</h2>\n" + legend(rag)
            + "<div class=\"figure\">" + chart.svg() + "</div>\n"
        out += "<table class=\"scores\">\n<tr><th>Run</th>" + conditions.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr>\n"
        for (index, run) in rag {
            out += "<tr><td>\(swatch(index))\(Markup.escape(run.label))</td>" + conditions.map { name in
                guard let condition = run.conditions.last(where: { $0.name == name }) else { return "<td>–</td>" }
                var cell = Markup.score(condition.accuracy, digits: 3)
                if let interval = condition.interval {
                    cell += " [\(Markup.score(interval.lowerBound, digits: 3)), \(Markup.score(interval.upperBound, digits: 3))]"
                }
                if let count = condition.count { cell += " (n = \(count))" }
                return "<td>\(cell)</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    private func everyMetricSection(_ retrieval: [(offset: Int, element: ReportRun)]) -> String {
        var out = "<section id=\"metrics\">\n<h2>Every metric</h2>\n"
        for (index, run) in retrieval {
            var metrics: [String] = [], seen = Set<String>()
            for task in run.tasks { for metric in task.metrics where seen.insert(metric.name).inserted { metrics.append(metric.name) } }
            out += "<h3>\(swatch(index))\(Markup.escape(run.label))</h3>\n<div class=\"figure\"><table class=\"scores metrics\">\n<tr><th>Metric</th>"
                + run.tasks.map { "<th>\(Markup.escape($0.name))</th>" }.joined() + "<th>Avg.</th></tr>\n"
            for metric in metrics {
                let isCount = metric == "num_q"
                func cell(_ value: Double?) -> String {
                    guard let value else { return "–" }
                    return isCount ? String(Int(value.rounded())) : Markup.score(value, digits: 5)
                }
                out += "<tr><td title=\"\(Markup.escape(metric))\">\(Markup.escape(MetricName.display(metric)))</td>"
                    + run.tasks.map { "<td>\(cell($0.value(metric)))</td>" }.joined()
                    + "<td class=\"avg\">\(isCount ? cell(run.tasks.compactMap { $0.value(metric) }.reduce(0, +)) : cell(run.average(metric)))</td></tr>\n"
            }
            out += "</table></div>\n"
        }
        return out + "</section>\n"
    }

    private static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter
    }()

    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:24px auto;max-width:1200px;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:18px 0 6px}
        .meta,.note{color:#555}code{font:12px ui-monospace,monospace}
        table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
        th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
        th{background:#f4f4f4;font-weight:600}table.scores td:first-child{min-width:15em}table.scores th,table.scores td{font-size:13px}td.avg{font-weight:600}table.runs td,table.runs th{text-align:left;vertical-align:top}
        .swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}
        .legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 18px}
        .figure{overflow-x:auto}svg.chart{display:block;font:11px system-ui,sans-serif}
        svg .grid{stroke:#e3e3e3}svg .axis{stroke:#777}svg .tick,svg .group,svg .label,svg .value{fill:#333}
        svg .axis-title{fill:#333;font-weight:600}svg .line{stroke-width:2}svg .whisker{stroke:#222;stroke-width:1.2;fill:none}
        """
}
