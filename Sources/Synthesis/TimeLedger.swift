import Foundation

/// Sums of time across concurrent records: waiting on the LLM, and everything else.
/// `@unchecked Sendable`: both sums are only touched under `lock`.
final class TimeLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var llmWait = 0.0
    private var own = 0.0

    /// A record took `total`, of which `llmWait` was spent waiting on the LLM.
    func add(total: Duration, llmWait wait: Duration) {
        let waited = Self.seconds(wait), whole = Self.seconds(total)
        lock.withLock {
            llmWait += waited
            own += max(0, whole - waited)
        }
    }

    func addOwn(_ duration: Duration) {
        let seconds = Self.seconds(duration)
        lock.withLock { own += seconds }
    }

    var totals: (llmWait: Double, ownWork: Double) {
        lock.withLock { (llmWait, own) }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
