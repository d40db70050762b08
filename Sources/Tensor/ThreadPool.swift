import CKernels
import Foundation

/// A small fixed pool of threads for data-parallel loops.
///
/// `threadCount` is the number of threads that work on a loop, the calling thread included, so a
/// pool of 1 runs everything inline and starts no thread. Workers sleep on a condition variable
/// between loops (they do not spin), so an idle pool costs nothing on a shared machine.
///
/// Each body call gets a `worker` index in `0..<threadCount`, stable for the duration of the call,
/// so callers can give each worker its own scratch buffers. Loops from different threads run one
/// after another; a loop started from inside a body of the same pool runs inline on that worker.
public final class ThreadPool: @unchecked Sendable {
    public let threadCount: Int
    private let state: PoolState

    public init(threadCount: Int) {
        precondition(threadCount >= 1, "a thread pool needs at least one thread")
        self.threadCount = threadCount
        self.state = PoolState(workers: threadCount - 1)
        for w in 1..<threadCount {
            let state = self.state
            let thread = Thread { state.workerLoop(index: w) }
            thread.stackSize = 4 << 20
            thread.name = "reasonir.pool.\(w)"
            thread.start()
        }
    }

    deinit { state.shutDown() }

    /// The number of hardware threads this process may use.
    public static var availableProcessors: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Calls `body(index, worker)` for every index in `0..<count`, spread over the pool's threads,
    /// and returns when all calls have returned.
    public func parallelFor(_ count: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        if count <= 0 { return }
        if let current = PoolState.current, current.state === state {
            for i in 0..<count { body(i, current.worker) }  // nested in our own loop: inline
            return
        }
        if threadCount == 1 || count == 1 {
            for i in 0..<count { body(i, 0) }
            return
        }
        state.submitLock.lock()
        defer { state.submitLock.unlock() }
        withoutActuallyEscaping(body) { escaping in
            state.run(count: count, body: escaping)
        }
    }

    /// Splits `0..<total` into contiguous chunks of at least `minimumChunk` items (up to four per thread,
    /// handed out as threads free up) and calls `body(range, worker)` for each, in parallel.
    public func parallelChunks(_ total: Int, minimumChunk: Int = 1,
                               _ body: (_ range: Range<Int>, _ worker: Int) -> Void) {
        if total <= 0 { return }
        let chunks = ThreadPool.chunkCount(total: total, minimumChunk: minimumChunk, threads: threadCount)
        if chunks == 1 {
            parallelFor(1) { _, worker in body(0..<total, worker) }
            return
        }
        parallelFor(chunks) { c, worker in
            body(ThreadPool.chunk(c, of: chunks, total: total), worker)
        }
    }

    static func chunkCount(total: Int, minimumChunk: Int, threads: Int) -> Int {
        if threads == 1 { return 1 }
        let byMinimum = Swift.max(1, total / Swift.max(1, minimumChunk))
        return Swift.min(byMinimum, threads * 4, total)
    }

    /// The `c`-th of `n` nearly equal contiguous chunks of `0..<total`.
    public static func chunk(_ c: Int, of n: Int, total: Int) -> Range<Int> {
        let base = total / n, extra = total % n
        let start = c * base + Swift.min(c, extra)
        return start..<(start + base + (c < extra ? 1 : 0))
    }
}

/// Shared between the pool object and its worker threads (the threads never retain the pool itself,
/// so dropping the pool shuts them down).
private final class PoolState: @unchecked Sendable {
    let workers: Int
    let condition = NSCondition()
    let submitLock = NSLock()
    // Guarded by `condition`.
    var generation = 0
    var pendingWorkers = 0
    var stopping = false
    var body: ((Int, Int) -> Void)?
    var count = 0
    // Next index to claim; touched with atomic fetch-add only.
    let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    struct Current {
        let state: PoolState
        let worker: Int
    }

    /// The pool and worker index of the running body on this thread, if any.
    static var current: Current? {
        (Thread.current.threadDictionary[PoolState.key] as? CurrentBox)?.value
    }
    static let key = "reasonir.threadpool.current"

    final class CurrentBox { let value: Current; init(_ v: Current) { value = v } }

    init(workers: Int) {
        self.workers = workers
        next.initialize(to: 0)
    }

    deinit { next.deallocate() }

    func shutDown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func run(count: Int, body: @escaping (Int, Int) -> Void) {
        condition.lock()
        self.body = body
        self.count = count
        next.pointee = 0
        pendingWorkers = workers
        generation &+= 1
        condition.broadcast()
        condition.unlock()

        work(worker: 0, body: body, count: count)

        condition.lock()
        while pendingWorkers > 0 { condition.wait() }
        self.body = nil
        condition.unlock()
    }

    private func work(worker: Int, body: (Int, Int) -> Void, count: Int) {
        let dictionary = Thread.current.threadDictionary
        dictionary[PoolState.key] = CurrentBox(Current(state: self, worker: worker))
        defer { dictionary.removeObject(forKey: PoolState.key) }
        while true {
            let i = next.withMemoryRebound(to: CLong.self, capacity: 1) { rk_atomic_fetch_add($0, 1) }
            if i >= count { break }
            body(i, worker)
        }
    }

    private func participate(worker: Int) {
        condition.lock()
        let body = self.body!
        let count = self.count
        condition.unlock()
        work(worker: worker, body: body, count: count)
    }

    func workerLoop(index: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            seen = generation
            condition.unlock()

            // In a function of its own so that this thread's reference to the body is gone before it
            // reports back (the body is a non-escaping closure of the caller).
            participate(worker: index)

            condition.lock()
            pendingWorkers -= 1
            if pendingWorkers == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
