import Foundation
import JSON

/// How metric names are written in reports.
public enum MetricNaming: Sendable {
    /// pytrec_eval's keys: `ndcg_cut_10`, `map_cut_10`, `recall_100`, `P_10`, `recip_rank`, `map`.
    case pytrec
    /// BRIGHT's keys: `NDCG@10`, `MAP@10`, `Recall@100`, `P@10`, `MRR` (and `MAP`).
    case bright

    public func name(of metric: Metric) -> String {
        switch self {
        case .pytrec: return metric.pytrecName
        case .bright: return metric.brightName
        }
    }
}

/// The outcome of an evaluation: per-query values and their means over the evaluated queries.
///
/// Means are unrounded; `rounded…`, `brightMetrics`, `jsonObject`, `jsonString` and `table`
/// round them the way Python's `round(x, 5)` does, as BRIGHT reports them.
public struct EvaluationReport: Sendable, Equatable {
    public let metrics: MetricSet
    /// The queries that were scored, in the run's order.
    public let evaluatedQueries: [String]
    /// Per query, the value of each metric in `metrics` order.
    public let values: [String: [Double]]
    /// The mean of each metric, in `metrics` order (0 when no query was evaluated).
    public let meanValues: [Double]

    init(metrics: MetricSet, evaluatedQueries: [String], values: [String: [Double]]) {
        self.metrics = metrics
        self.evaluatedQueries = evaluatedQueries
        self.values = values
        var sums = [Double](repeating: 0, count: metrics.count)
        for queryID in evaluatedQueries {
            for (index, value) in values[queryID]!.enumerated() { sums[index] += value }
        }
        let count = Double(evaluatedQueries.count)
        meanValues = evaluatedQueries.isEmpty ? sums : sums.map { $0 / count }
    }

    /// The mean of `metric`, or nil when it was not computed.
    public func mean(_ metric: Metric) -> Double? {
        metrics.metrics.firstIndex(of: metric).map { meanValues[$0] }
    }

    /// The value of `metric` for one query, or nil when the query was not evaluated or the metric not computed.
    public func value(_ metric: Metric, query queryID: String) -> Double? {
        guard let index = metrics.metrics.firstIndex(of: metric), let row = values[queryID] else { return nil }
        return row[index]
    }

    /// Per-query values keyed by metric.
    public var perQuery: [String: [Metric: Double]] {
        values.mapValues { Dictionary(uniqueKeysWithValues: zip(metrics.metrics, $0)) }
    }

    /// Means keyed by metric.
    public var means: [Metric: Double] {
        Dictionary(uniqueKeysWithValues: zip(metrics.metrics, meanValues))
    }

    /// Named means in metric order; `digits` nil leaves them unrounded.
    public func namedMeans(_ naming: MetricNaming = .pytrec, roundedTo digits: Int? = 5) -> [(name: String, value: Double)] {
        zip(metrics.metrics, meanValues).map { metric, value in
            (naming.name(of: metric), digits.map { Self.round(value, digits: $0) } ?? value)
        }
    }

    /// BRIGHT's result dictionary: BRIGHT keys, means rounded to 5 decimals.
    public var brightMetrics: [String: Double] {
        Dictionary(uniqueKeysWithValues: namedMeans(.bright, roundedTo: 5).map { ($0.name, $0.value) })
    }

    /// pytrec_eval keys, means rounded to 5 decimals.
    public var jsonObject: [String: Double] {
        Dictionary(uniqueKeysWithValues: namedMeans(.pytrec, roundedTo: 5).map { ($0.name, $0.value) })
    }

    /// One flat JSON object in metric order, e.g. `{"ndcg_cut_10": 0.67075, …, "num_q": 300}`.
    /// `num_q` (trec_eval's name for the number of evaluated queries) comes last when
    /// `includeQueryCount` is set.
    public func jsonString(_ naming: MetricNaming = .pytrec, roundedTo digits: Int? = 5, includeQueryCount: Bool = true) -> String {
        var members = namedMeans(naming, roundedTo: digits).map { "\(Self.jsonQuoted($0.name)): \(Self.jsonNumber($0.value))" }
        if includeQueryCount { members.append("\"num_q\": \(evaluatedQueries.count)") }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// A plain-text table: one row per metric family with a column per cut-off, then the
    /// single-valued metrics.
    public func table(roundedTo digits: Int = 5) -> String {
        func formatted(_ value: Double) -> String { String(format: "%.\(digits)f", Self.round(value, digits: digits)) }
        var families: [(name: String, values: [Int: Double])] = []
        var singles: [(name: String, value: Double)] = []
        for (metric, value) in zip(metrics.metrics, meanValues) {
            guard let k = metric.cutoff else {
                singles.append((metric == .reciprocalRank ? "MRR" : "MAP (full)", value))
                continue
            }
            let family = String(metric.brightName.prefix { $0 != "@" })
            if let index = families.firstIndex(where: { $0.name == family }) {
                families[index].values[k] = value
            } else {
                families.append((family, [k: value]))
            }
        }
        let cutoffs = Set(families.flatMap { $0.values.keys }).sorted()
        let width = max(digits + 3, 5)
        let labelWidth = max(10, (families.map(\.name.count) + singles.map(\.name.count)).max() ?? 0)
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        var lines = ["queries evaluated: \(evaluatedQueries.count)"]
        if !families.isEmpty {
            lines.append(pad("", labelWidth, left: true) + cutoffs.map { "  " + pad("@\($0)", width) }.joined())
            for family in families {
                let cells = cutoffs.map { k in "  " + pad(family.values[k].map(formatted) ?? "-", width) }
                lines.append(pad(family.name, labelWidth, left: true) + cells.joined())
            }
        }
        for single in singles {
            lines.append(pad(single.name, labelWidth, left: true) + "  " + pad(formatted(single.value), width))
        }
        return lines.joined(separator: "\n")
    }

    /// Python's `round(value, digits)`: the double nearest to the correctly rounded decimal
    /// (ties to even on the exact binary value), via C's `%.*f`, which rounds the same way.
    public static func round(_ value: Double, digits: Int) -> Double {
        guard value.isFinite, digits >= 0 else { return value }
        let digits = min(digits, 340)
        var buffer = [CChar](repeating: 0, count: 32)
        var length = Int(withVaList([Int32(digits), value]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) })
        if length >= buffer.count {
            buffer = [CChar](repeating: 0, count: length + 1)
            length = Int(withVaList([Int32(digits), value]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) })
        }
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return Double(text) ?? value
    }

    /// A double as JSON: the shortest text that reads back to the same double, as Python's `repr`.
    public static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? value.description : "null"
    }

    public static func jsonQuoted(_ text: String) -> String {
        JSONString.quoted(text)
    }
}
