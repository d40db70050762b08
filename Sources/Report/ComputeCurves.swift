/// nDCG against test-time compute: the runs that differ in a compute setting (rerank depth,
/// rewrite token budget), one line a retriever; runs without reranking (or rewriting) sit at 0.
struct ComputeCurve {
    /// The setting on the x axis, the flag that turns it on, and the axis title.
    struct Dimension: Sendable {
        var setting: String
        var flag: String
        var title: String
    }

    static let dimensions = [
        Dimension(setting: "rerank_depth", flag: "rerank", title: "Rerank depth (documents reranked per query)"),
        Dimension(setting: "rewrite_token_budget", flag: "rewrite", title: "Rewrite token budget"),
    ]

    var dimension: Dimension
    var series: [(label: String, points: [(x: Double, y: Double, run: Int)])]

    /// The curve along `dimension`, or nil when no retriever has two points on it. A run's
    /// retriever is its `retriever` setting (else its label); its y value the metric's average.
    static func make(_ dimension: Dimension, runs: [ReportRun], metric: String) -> ComputeCurve? {
        guard runs.contains(where: { $0.setting(dimension.flag) == "true" && $0.setting(dimension.setting) != nil }) else { return nil }
        var order: [String] = []
        var points: [String: [(x: Double, y: Double, run: Int)]] = [:]
        for (index, run) in runs.enumerated() {
            guard let y = run.average(metric) else { continue }
            let x: Double
            if run.setting(dimension.flag) == "true" {
                guard let value = run.setting(dimension.setting).flatMap(Double.init) else { continue }
                x = value
            } else if run.setting(dimension.flag) == "false" {
                x = 0
            } else {
                continue
            }
            let key = run.setting("retriever") ?? run.label
            if points[key] == nil { order.append(key) }
            points[key, default: []].append((x, y, index))
        }
        let series = order.compactMap { key in points[key]!.count >= 2 ? (label: key, points: points[key]!) : nil }
        return series.isEmpty ? nil : ComputeCurve(dimension: dimension, series: series)
    }
}
