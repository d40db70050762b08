/// Why results could not be read or a report not written; each case names the file, and the
/// field where one is at fault.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidJSON(path: String, reason: String)
    case badField(path: String, field: String, reason: String)
    case noResults(path: String)
    case nothingToReport

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .invalidJSON(let path, let reason): return "\(path): not JSON: \(reason)"
        case .badField(let path, let field, let reason): return "\(path): field \"\(field)\": \(reason)"
        case .noResults(let path):
            return "\(path): no results in it (expected the JSON of `reasonir bright`, `eval`, `evaluate-run` or `rag`, "
                + "or a folder of such files, one per task)"
        case .nothingToReport: return "no results to report: give at least one results file or folder"
        }
    }
}
