import Foundation
import ReasonIR

/// One index directory the server searches and updates. Searches use the state opened last; an
/// update runs under the directory's writer lock (one at a time, in the order they came) and
/// writes a complete new directory renamed into place, and only then do new searches see it:
/// a search in flight keeps the mapped files of the state it started on.
public final class ServedIndex: @unchecked Sendable {
    public let name: String
    public let url: URL
    private let lock = NSLock()
    private var current: IndexDirectory
    private var retrievers: [IndexDirectory.RetrieverKind: any Retriever] = [:]
    /// The server's embedding model, used for dense search when it is the index's own.
    private let model: EmbeddingModel?
    private let threads: Int
    /// Updates, one at a time, off Swift's cooperative threads.
    private let writer = DispatchQueue(label: "reasonir.server.index-writer")

    public init(name: String, url: URL, model: EmbeddingModel?, threads: Int) throws {
        self.name = name
        self.url = url
        self.model = model
        self.threads = threads
        current = try IndexDirectory.open(url)
    }

    /// The state searches see now.
    public var directory: IndexDirectory { lock.withLock { current } }

    /// The retriever of `kind` over the current state (made once per state).
    func retriever(_ kind: IndexDirectory.RetrieverKind) throws -> (any Retriever, IndexDirectory) {
        lock.lock()
        defer { lock.unlock() }
        if let made = retrievers[kind] { return (made, current) }
        let own = model.flatMap { model in current.manifest.model == model.identity ? model : nil }
        let made: any Retriever
        do {
            made = try current.retriever(kind, model: own, threads: threads)
        } catch let error as CollectionError {
            if case .missingPart(_, let part) = error {
                throw APIError(.unprocessable, "index `\(name)` has no \(part) part, which retriever `\(kind.rawValue)` needs",
                               parameter: "retriever")
            }
            throw error
        }
        retrievers[kind] = made
        return (made, current)
    }

    /// Applies `change` to the directory under its writer lock and makes the result current.
    func update(_ change: @escaping @Sendable (IndexDirectory) throws -> IndexDirectory) async throws -> IndexDirectory {
        let base = directory
        let updated: IndexDirectory = try await withCheckedThrowingContinuation { continuation in
            writer.async { continuation.resume(with: Result { try change(base) }) }
        }
        lock.withLock {
            current = updated
            retrievers = [:]
        }
        return updated
    }
}
