import Foundation

/// Errors of the synthesis pipeline; the LLM's own errors pass through as `LLMError`.
public enum SynthesisError: Error, CustomStringConvertible, Equatable {
    /// The journal could not be opened, read or appended to.
    case journal(path: String, reason: String)
    /// A line in the middle of the journal does not decode (only the last line may be torn).
    case corruptJournal(path: String, line: Int, reason: String)
    /// Another run holds the output directory.
    case busy(path: String)
    /// An output file could not be written.
    case write(path: String, reason: String)
    /// A setting is out of range.
    case invalidSetting(name: String, reason: String)
    /// The output directory holds a run made with other settings.
    case settingsChanged(path: String, field: String)

    public var description: String {
        switch self {
        case .journal(let path, let reason):
            return "synthesis journal \(path): \(reason)"
        case .corruptJournal(let path, let line, let reason):
            return "synthesis journal \(path), line \(line): \(reason); only a torn last line is repaired, so this file was damaged otherwise"
        case .busy(let path):
            return "another synthesize run is writing to \(path); wait for it or use another --output"
        case .write(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .invalidSetting(let name, let reason):
            return "\(name): \(reason)"
        case .settingsChanged(let path, let field):
            return "\(path) was made with another '\(field)': resuming would mix two runs; use another --output or remove it"
        }
    }
}
