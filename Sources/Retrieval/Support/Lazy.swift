import Foundation

/// A value computed once, on first use, from any thread.
/// `@unchecked Sendable`: every access to `stored` happens under `lock`.
final class Lazy<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    func value(_ make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let stored { return stored }
        let made = make()
        stored = made
        return made
    }
}
