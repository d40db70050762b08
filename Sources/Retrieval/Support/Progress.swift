/// How far a long job has come. The library reports; the caller decides how to show it
/// (the CLI draws a line on stderr with rate and ETA).
public struct ProgressUpdate: Sendable {
    public var task: String
    public var completed: Int
    public var total: Int?
    public var unit: String

    public init(task: String, completed: Int, total: Int?, unit: String) {
        self.task = task
        self.completed = completed
        self.total = total
        self.unit = unit
    }
}

public protocol ProgressReporter: Sendable {
    func report(_ update: ProgressUpdate)
    func finish(_ update: ProgressUpdate)
}

/// Reports nothing: the default for library calls.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func report(_ update: ProgressUpdate) {}
    public func finish(_ update: ProgressUpdate) {}
}
