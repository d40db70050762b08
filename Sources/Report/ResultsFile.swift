import Evaluation
import Foundation
import JSON

/// Reads and writes the results files a report is made from.
///
/// Read: the JSON of `reasonir bright --json` (`{"tasks": {...}, "average": {...}}`), of
/// `eval --json` or `evaluate-run --json` (one flat object of metrics: one task, named after the
/// file), of `rag --json` (`{"conditions": {...}}`), of `--results FILE` (any of these with
/// `label` and `settings`), or a folder of flat files, one per task (`biology.json`, ...).
public enum ResultsFile {
    /// The run in `path`; `label` overrides the one the file carries, else the file's or folder's
    /// name without extension.
    public static func read(_ path: URL, label: String? = nil) throws -> ReportRun {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw ReportError.unreadable(path: path.path, reason: "no such file or folder")
        }
        let stem = path.deletingPathExtension().lastPathComponent
        if isDirectory.boolValue {
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: path.path)
                    .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            } catch {
                throw ReportError.unreadable(path: path.path, reason: "\(error)")
            }
            var run = ReportRun(label: label ?? path.lastPathComponent, source: path.path)
            for file in files {
                let part = try read(path.appendingPathComponent(file))
                if run.settings.isEmpty { run.settings = part.settings }
                run.tasks.append(contentsOf: part.tasks)
                run.conditions.append(contentsOf: part.conditions)
            }
            guard !run.tasks.isEmpty || !run.conditions.isEmpty else { throw ReportError.noResults(path: path.path) }
            return run
        }
        let value = try parse(path)
        guard case .object(let members) = value else {
            throw ReportError.badField(path: path.path, field: "(top level)", reason: "expected an object")
        }
        var run = ReportRun(label: label ?? stem, source: path.path)
        if label == nil, let written = value["label"] {
            guard case .string(let text) = written else {
                throw ReportError.badField(path: path.path, field: "label", reason: "expected a string")
            }
            run.label = text
        }
        if let settings = value["settings"] {
            run.settings = try readSettings(settings, path: path.path)
        }
        if let tasks = value["tasks"] {
            guard case .object(let taskMembers) = tasks else {
                throw ReportError.badField(path: path.path, field: "tasks", reason: "expected an object of tasks")
            }
            run.tasks = try taskMembers.map { member in
                TaskScores(name: member.key, metrics: try readMetrics(member.value, path: path.path, field: "tasks.\(member.key)"))
            }
            if let average = value["average"] {
                run.givenAverages = try readMetrics(average, path: path.path, field: "average")
            }
        } else if let conditions = value["conditions"] {
            run.conditions = try readConditions(conditions, path: path.path)
        } else {
            let metrics = members.compactMap { member -> (name: String, value: Double)? in
                if case .number(let number) = member.value { return (member.key, number.double) }
                return nil
            }
            if !metrics.isEmpty { run.tasks = [TaskScores(name: stem, metrics: metrics)] }
        }
        guard !run.tasks.isEmpty || !run.conditions.isEmpty else { throw ReportError.noResults(path: path.path) }
        return run
    }

    /// `{"label": ..., "settings": {...}, "tasks": {...}, "average": {...}}`: what
    /// `--results FILE` writes and `read` reads back; metric values as given.
    public static func jsonString(_ run: ReportRun) -> String {
        let quote = EvaluationReport.jsonQuoted
        func object(_ metrics: [(name: String, value: Double)]) -> String {
            "{" + metrics.map { quote($0.name) + ": " + EvaluationReport.jsonNumber($0.value) }.joined(separator: ", ") + "}"
        }
        let settings = run.settings.map { quote($0.name) + ": " + quote($0.value) }.joined(separator: ", ")
        let tasks = run.tasks.map { quote($0.name) + ": " + object($0.metrics) }.joined(separator: ", ")
        let names = run.tasks.first?.metrics.map(\.name).filter { $0 != "num_q" } ?? []
        let average = names.compactMap { name in
            run.average(name).map { (name: name, value: EvaluationReport.round($0, digits: 5)) }
        }
        return "{\"label\": \(quote(run.label)), \"settings\": {\(settings)}, \"tasks\": {\(tasks)}, \"average\": \(object(average))}"
    }

    /// Writes `jsonString(run)` to `url` through a temporary file renamed into place.
    public static func write(_ run: ReportRun, to url: URL) throws {
        try AtomicFileWriter.write(jsonString(run) + "\n", to: url)
    }

    private static func parse(_ path: URL) throws -> JSONValue {
        let data: Data
        do { data = try Data(contentsOf: path) } catch {
            throw ReportError.unreadable(path: path.path, reason: "\(error.localizedDescription)")
        }
        do { return try JSONParser.parse(data) } catch {
            throw ReportError.invalidJSON(path: path.path, reason: "\(error)")
        }
    }

    private static func readSettings(_ value: JSONValue, path: String) throws -> [Setting] {
        guard case .object(let members) = value else {
            throw ReportError.badField(path: path, field: "settings", reason: "expected an object")
        }
        return try members.map { member in
            switch member.value {
            case .string(let text): return Setting(member.key, text)
            case .number(let number): return Setting(member.key, number.text)
            case .bool(let flag): return Setting(member.key, flag ? "true" : "false")
            case .null: return Setting(member.key, "")
            default: throw ReportError.badField(path: path, field: "settings.\(member.key)", reason: "expected a string, number or boolean")
            }
        }
    }

    private static func readMetrics(_ value: JSONValue, path: String, field: String) throws -> [(name: String, value: Double)] {
        guard case .object(let members) = value else {
            throw ReportError.badField(path: path, field: field, reason: "expected an object of metrics")
        }
        return try members.map { member in
            guard case .number(let number) = member.value else {
                throw ReportError.badField(path: path, field: "\(field).\(member.key)", reason: "expected a number")
            }
            return (member.key, number.double)
        }
    }

    private static func readConditions(_ value: JSONValue, path: String) throws -> [ConditionAccuracy] {
        guard case .object(let members) = value else {
            throw ReportError.badField(path: path, field: "conditions", reason: "expected an object of conditions")
        }
        return try members.map { member in
            let field = "conditions.\(member.key)"
            guard case .number(let accuracy)? = member.value["accuracy"] else {
                throw ReportError.badField(path: path, field: field + ".accuracy", reason: "expected a number")
            }
            var condition = ConditionAccuracy(name: member.key, accuracy: accuracy.double)
            if case .number(let n)? = member.value["n"] { condition.count = n.int }
            condition.interval = interval(member.value)
            return condition
        }
    }

    /// A 95% interval under the names RAG results use for it: `ci95`, `ci` or `interval` as
    /// `[low, high]`, or `ci_low` and `ci_high`.
    private static func interval(_ value: JSONValue) -> ClosedRange<Double>? {
        for key in ["ci95", "ci", "interval"] {
            if case .array(let bounds)? = value[key], bounds.count == 2,
               case .number(let low) = bounds[0], case .number(let high) = bounds[1], low.double <= high.double {
                return low.double...high.double
            }
        }
        if case .number(let low)? = value["ci_low"], case .number(let high)? = value["ci_high"], low.double <= high.double {
            return low.double...high.double
        }
        return nil
    }
}
