/// Errors of training: bad data, bad options, a diverging run, files that cannot be written.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A data file's line that is not a usable row (`line` counts from 1; 0: the whole file).
    case badData(path: String, line: Int, reason: String)
    case invalidOption(String)
    case outputExists(path: String)
    case write(path: String, reason: String)
    case badCheckpoint(path: String, reason: String)
    case nonFiniteLoss(step: Int, checkpoint: String?)

    public var description: String {
        switch self {
        case let .badData(path, line, reason): return line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        case let .invalidOption(reason): return reason
        case let .outputExists(path): return "\(path) already exists (pass --overwrite to replace it)"
        case let .write(path, reason): return "cannot write \(path): \(reason)"
        case let .badCheckpoint(path, reason): return "checkpoint \(path): \(reason)"
        case let .nonFiniteLoss(step, checkpoint):
            return "the loss is not finite at step \(step); stopped" + (checkpoint.map { " (the last good checkpoint is \($0))" } ?? "")
        }
    }
}
