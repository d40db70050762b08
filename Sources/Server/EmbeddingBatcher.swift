import Foundation
import Models

/// Gathers the token sequences of concurrent embedding requests into shared forward passes, as
/// text-embeddings-inference does: while one batch runs, arriving requests queue; the next batch
/// takes queued requests, oldest first, up to `maxBatchTokens` tokens (at least one request).
/// The queue is bounded by `maxQueuedInputs` sequences: past that a request is refused at once
/// (429) rather than held in memory. A request whose task is cancelled (its client went away)
/// leaves the queue unrun.
final class EmbeddingBatcher: @unchecked Sendable {
    private struct Job {
        var id: Int
        var sequences: [[Int32]]
        var tokens: Int
        var continuation: CheckedContinuation<EmbeddingMatrix, any Error>
    }

    private let embedder: SentenceTransformerEmbedder
    private let maxBatchTokens: Int
    private let maxQueuedInputs: Int
    private let lock = NSLock()
    private var queue: [Job] = []
    private var queuedInputs = 0
    private var running = false
    private var nextID = 0
    /// Runs the blocking forward passes off Swift's cooperative threads.
    private let worker = DispatchQueue(label: "reasonir.server.embedding")
    /// Called after each batch with its number of requests and sequences (metrics).
    let onBatch: @Sendable (_ requests: Int, _ sequences: Int, _ tokens: Int, _ seconds: Double) -> Void

    init(embedder: SentenceTransformerEmbedder, maxBatchTokens: Int, maxQueuedInputs: Int,
         onBatch: @escaping @Sendable (Int, Int, Int, Double) -> Void = { _, _, _, _ in }) {
        self.embedder = embedder
        self.maxBatchTokens = max(1, maxBatchTokens)
        self.maxQueuedInputs = max(1, maxQueuedInputs)
        self.onBatch = onBatch
    }

    /// Sequences waiting now (for the queue-depth gauge).
    var depth: Int { lock.withLock { queuedInputs } }

    /// The vectors of `sequences` (ids with special tokens, each within the model's length), in order.
    func embed(_ sequences: [[Int32]]) async throws -> EmbeddingMatrix {
        if sequences.isEmpty { return EmbeddingMatrix(count: 0, dimension: embedder.dimension, values: []) }
        try Task.checkCancellation()
        let id = lock.withLock { () -> Int in nextID += 1; return nextID }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let start: Bool
                lock.lock()
                if queuedInputs > 0, queuedInputs + sequences.count > maxQueuedInputs {
                    lock.unlock()
                    continuation.resume(throwing: APIError(
                        .overloaded, "the embedding queue is full (\(queuedInputs) inputs waiting): retry later", retryAfter: 1))
                    return
                }
                queue.append(Job(id: id, sequences: sequences, tokens: sequences.reduce(0) { $0 + $1.count },
                                 continuation: continuation))
                queuedInputs += sequences.count
                start = !running
                running = true
                lock.unlock()
                if start { worker.async { self.drain() } }
            }
        } onCancel: {
            let job = lock.withLock { () -> Job? in
                guard let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
                queuedInputs -= queue[index].sequences.count
                return queue.remove(at: index)
            }
            job?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs batches until the queue is empty.
    private func drain() {
        while true {
            let batch = lock.withLock { () -> [Job] in
                var taken: [Job] = []
                var tokens = 0
                while let first = queue.first, taken.isEmpty || tokens + first.tokens <= maxBatchTokens {
                    tokens += first.tokens
                    queuedInputs -= first.sequences.count
                    taken.append(queue.removeFirst())
                }
                if taken.isEmpty { running = false }
                return taken
            }
            if batch.isEmpty { return }
            let started = Date()
            let all = batch.flatMap(\.sequences)
            do {
                let matrix = try embedder.embed(tokenIDs: all)
                onBatch(batch.count, all.count, batch.reduce(0) { $0 + $1.tokens }, Date().timeIntervalSince(started))
                var row = 0
                for job in batch {
                    let n = job.sequences.count
                    let values = Array(matrix.values[(row * matrix.dimension)..<((row + n) * matrix.dimension)])
                    row += n
                    job.continuation.resume(returning: EmbeddingMatrix(count: n, dimension: matrix.dimension, values: values))
                }
            } catch {
                for job in batch { job.continuation.resume(throwing: APIError(.server, "embedding failed: \(error)")) }
            }
        }
    }
}
