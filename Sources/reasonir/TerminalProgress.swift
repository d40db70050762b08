import Foundation
import ReasonIR

/// Draws progress on stderr: one line rewritten in place, with rate and ETA. When stderr is not
/// a terminal, writes a final line per task, so logs stay readable, and with `logInterval` also
/// one line every so many seconds (for long runs logged to a file).
final class TerminalProgress: ProgressReporter, @unchecked Sendable {
    // `@unchecked Sendable`: all state is touched under `lock`.
    private let lock = NSLock()
    private var started: [String: Date] = [:]
    private var lastDraw = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private let logInterval: TimeInterval?

    init(quiet: Bool = false, logInterval: TimeInterval? = nil) {
        self.quiet = quiet
        self.logInterval = logInterval
    }

    func report(_ update: ProgressUpdate) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let start = started[update.task] ?? Date()
        started[update.task] = start
        let now = Date()
        guard interactive else {
            if let logInterval, now.timeIntervalSince(lastDraw) >= logInterval {
                lastDraw = now
                write(line(update, elapsed: now.timeIntervalSince(start)) + "\n")
            }
            return
        }
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        write("\r\u{1B}[K" + line(update, elapsed: now.timeIntervalSince(start)))
    }

    func finish(_ update: ProgressUpdate) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let elapsed = started[update.task].map { Date().timeIntervalSince($0) }
        started[update.task] = nil
        write((interactive ? "\r\u{1B}[K" : "") + line(update, elapsed: elapsed, done: true) + "\n")
    }

    private func line(_ update: ProgressUpdate, elapsed: TimeInterval?, done: Bool = false) -> String {
        let rate = (elapsed ?? 0) > 0 ? Double(update.completed) / elapsed! : 0
        var text = "\(update.task): \(update.completed)"
        if let total = update.total { text += "/\(total)" }
        text += " \(update.unit)"
        if done {
            if let elapsed { text += String(format: " in %.2fs", elapsed) }
        } else if let total = update.total, rate > 0 {
            // Slow jobs (LLM calls) show their rate per minute rather than "0/s".
            let shown = rate >= 1 ? String(format: "%.0f/s", rate) : String(format: "%.1f/min", rate * 60)
            text += ", \(shown), " + String(format: "ETA %.0fs", Double(total - update.completed) / rate)
        }
        return text
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
