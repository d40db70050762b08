import Evaluation

/// One run's results, as a report shows them: a label, the settings it ran with, and its scores
/// on each task (BRIGHT's 12, or one dataset) or, for a RAG run, its accuracy by condition.
public struct ReportRun: Sendable {
    /// The name in legends and tables.
    public var label: String
    /// Where the results were read from (a file or folder), for the page's list of sources.
    public var source: String
    /// How the run was made (`retriever`, `model`, `rerank_depth`, `rewrite_token_budget`, ...),
    /// in the order written; values as text.
    public var settings: [Setting]
    /// Per-task scores in task order.
    public var tasks: [TaskScores]
    /// RAG accuracy by condition (closed, open, oracle, ...), in the order written.
    public var conditions: [ConditionAccuracy]
    /// The averages the results carry (`reasonir bright` averages unrounded means, then rounds);
    /// where absent, `average(_:)` takes the mean of the tasks' values.
    public var givenAverages: [(name: String, value: Double)] = []

    public init(label: String, source: String = "", settings: [Setting] = [], tasks: [TaskScores] = [],
                conditions: [ConditionAccuracy] = []) {
        self.label = label
        self.source = source
        self.settings = settings
        self.tasks = tasks
        self.conditions = conditions
    }

    /// The setting named `name`, if the run carries it.
    public func setting(_ name: String) -> String? {
        settings.last { $0.name == name }?.value
    }

    /// A metric's value on a task, or nil where the run lacks either.
    public func value(_ metric: String, task: String) -> Double? {
        tasks.first { $0.name == task }?.value(metric)
    }

    /// A metric's mean over the run's tasks, each task weighing the same (the papers' "Avg."),
    /// as the results give it or else computed; nil when a task lacks the metric or there are no tasks.
    public func average(_ metric: String) -> Double? {
        if let given = givenAverages.last(where: { $0.name == metric }) { return given.value }
        let values = tasks.compactMap { $0.value(metric) }
        guard !values.isEmpty, values.count == tasks.count else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}

/// One named setting of a run.
public struct Setting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A run's metrics on one task, pytrec_eval's names, in the order written.
public struct TaskScores: Sendable, Equatable {
    public var name: String
    public var metrics: [(name: String, value: Double)]

    public init(name: String, metrics: [(name: String, value: Double)]) {
        self.name = name
        self.metrics = metrics
    }

    public func value(_ metric: String) -> Double? {
        metrics.last { $0.name == metric }?.value
    }

    public static func == (a: TaskScores, b: TaskScores) -> Bool {
        a.name == b.name && a.metrics.count == b.metrics.count
            && zip(a.metrics, b.metrics).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Answer accuracy under one RAG condition, with its 95% interval where the results carry one.
public struct ConditionAccuracy: Sendable, Equatable {
    public var name: String
    public var accuracy: Double
    public var count: Int?
    public var interval: ClosedRange<Double>?

    public init(name: String, accuracy: Double, count: Int? = nil, interval: ClosedRange<Double>? = nil) {
        self.name = name
        self.accuracy = accuracy
        self.count = count
        self.interval = interval
    }
}

extension ReportRun {
    /// A run from the scores `reasonir bright` or `eval` computed.
    public init(label: String, settings: [Setting], results: TaskResults, roundedTo digits: Int = 5) {
        self.init(label: label, source: "", settings: settings, tasks: results.tasks.map { task in
            TaskScores(name: task.name, metrics: task.report.namedMeans(.pytrec, roundedTo: digits)
                + [("num_q", Double(task.report.evaluatedQueries.count))])
        })
        givenAverages = results.average.map { ($0.name, EvaluationReport.round($0.value, digits: digits)) }
    }
}
