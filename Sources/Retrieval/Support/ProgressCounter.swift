import Foundation

/// A counter shared by worker threads for progress reports.
/// `@unchecked Sendable`: the count is only touched under `lock`.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
