/// Errors of the facade; lower layers have their own enums, passed through unchanged.
public enum ReasonIRError: Error, CustomStringConvertible, Equatable {
    case unknownDatasetLayout(path: String)
    case modelNotFound(name: String, searched: [String])
    /// An option that does not fit the rest (the text says which and why).
    case invalidOption(String)

    public var description: String {
        switch self {
        case .unknownDatasetLayout(let path):
            return "\(path) is not a dataset: expected BEIR (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) "
                + "or BRIGHT (examples.jsonl and documents.jsonl, or examples/<task>.jsonl with --task)"
        case .invalidOption(let reason):
            return reason
        case .modelNotFound(let name, let searched):
            if searched.isEmpty { return "model \(name) not found" }
            return "model \(name) not found in \(searched.joined(separator: ", ")); "
                + "fetch it with scripts/fetch-models.sh or give its directory"
        }
    }
}
