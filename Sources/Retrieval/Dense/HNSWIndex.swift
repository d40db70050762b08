#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Tensor

/// Approximate nearest-neighbour search over dense vectors with a hierarchical navigable
/// small-world graph (HNSW), beside the exact ``FlatDenseIndex``.
///
/// Build it from vectors or from a flat index's cached embeddings, search it, add documents and
/// delete them (tombstones: skipped in results, dropped by ``rebuilt(threads:progress:)``), write
/// it to a directory and open it again memory-mapped (neighbour lists and vectors are read in
/// place). Results are ``ScoredDocument``s, best first, ties broken by the documents' positions
/// (insertion order, which is the flat index's corpus order).
///
/// Thread-safe: searches run concurrently; `add`, `delete` and `write` wait for them and run alone.
public final class HNSWIndex: @unchecked Sendable {
    public let dimension: Int
    public let parameters: HNSWParameters
    /// How the vectors are stored (queries are Float32 either way).
    public var vectorType: VectorType { graph.vectorType }
    /// The model that made the vectors, when known; opening with a model checks it.
    public let model: EmbeddingModelIdentity?
    /// The corpus file the vectors came from, when known.
    public let source: CorpusFingerprint?
    /// The directory this index was opened from, if any.
    public let directory: URL?
    /// The manifest read on opening (nil for an index built in memory).
    public let openedManifest: HNSWManifest?

    let graph: HNSWGraph
    var documentIDs: HNSWDocumentIDs
    /// Id → latest node with that id (deleted or not); built on first use.
    private var positions: [String: Int]?
    let rwLock = ReadWriteLock()
    private let scratchLock = NSLock()
    private var scratches: [HNSWScratch] = []
    var defaultEf: Int

    init(graph: HNSWGraph, documentIDs: HNSWDocumentIDs, model: EmbeddingModelIdentity?, source: CorpusFingerprint?,
         directory: URL?, manifest: HNSWManifest?) {
        self.graph = graph
        self.dimension = graph.dimension
        self.parameters = graph.parameters
        self.documentIDs = documentIDs
        self.model = model
        self.source = source
        self.directory = directory
        self.openedManifest = manifest
        defaultEf = graph.parameters.efSearch
    }

    /// An empty index; fill it with ``add(ids:vectors:threads:progress:)``.
    public convenience init(dimension: Int, parameters: HNSWParameters = HNSWParameters(),
                            model: EmbeddingModelIdentity? = nil, source: CorpusFingerprint? = nil,
                            vectorType: VectorType = .f32) throws {
        try parameters.validate()
        guard dimension >= 1 else { throw VectorIndexError.invalidParameter("dimension must be at least 1, not \(dimension)") }
        if let model, model.dimension != dimension {
            throw VectorIndexError.wrongDimension(expected: model.dimension, found: dimension)
        }
        self.init(graph: HNSWGraph(dimension: dimension, parameters: parameters, vectorType: vectorType), documentIDs: HNSWDocumentIDs(),
                  model: model, source: source, directory: nil, manifest: nil)
    }

    /// Builds an index over `vectors` (`ids.count × dimension` values, row-major), stored as `vectorType`.
    public static func build(ids: [String], vectors: [Float], dimension: Int,
                             parameters: HNSWParameters = HNSWParameters(),
                             model: EmbeddingModelIdentity? = nil, source: CorpusFingerprint? = nil,
                             vectorType: VectorType = .f32,
                             threads: Int = 1, progress: any ProgressReporter = SilentProgress()) throws -> HNSWIndex {
        let index = try HNSWIndex(dimension: dimension, parameters: parameters, model: model, source: source,
                                  vectorType: vectorType)
        try index.add(ids: ids, vectors: vectors, threads: threads, progress: progress)
        return index
    }

    /// Builds an index over the vectors of a flat index (cached embeddings), which it reads in
    /// place, in the flat index's vector type: the flat index stays open while this one lives,
    /// until `add` copies them.
    public static func build(from flat: FlatDenseIndex, parameters: HNSWParameters = HNSWParameters(),
                             threads: Int = 1, progress: any ProgressReporter = SilentProgress()) throws -> HNSWIndex {
        try parameters.validate()
        guard flat.count < Int(UInt32.max) else { throw VectorIndexError.tooManyNodes(flat.count) }
        let dimension = flat.dimension
        let graph = HNSWGraph(dimension: dimension, parameters: parameters, vectorType: flat.vectorType)
        var ids = HNSWDocumentIDs()
        var row = [Float](repeating: 0, count: dimension)
        for i in 0..<flat.count {
            let id = flat.documentID(at: i)
            // A damaged file could hold any value: each row widened and checked once.
            try row.withUnsafeMutableBufferPointer { buffer in
                flat.vectorType.decode(flat.encodedRows(i..<(i + 1)).baseAddress!, count: dimension, into: buffer.baseAddress!)
                try flat.vectorType.validate(UnsafeBufferPointer(buffer), id: id)
            }
            ids.append(id)
        }
        if flat.count > 0 {
            graph.vectors = HNSWArray(borrowing: flat.encodedVectors?.assumingMemoryBound(to: UInt8.self),
                                      count: flat.count * graph.rowBytes, owner: flat)
        }
        let index = HNSWIndex(graph: graph, documentIDs: ids, model: flat.manifest.model, source: flat.manifest.source,
                              directory: nil, manifest: nil)
        var seen = Set<String>(minimumCapacity: flat.count)
        for i in 0..<flat.count where !seen.insert(ids.id(at: i)).inserted {
            throw VectorIndexError.duplicateDocumentID(ids.id(at: i))
        }
        let range = graph.appendNodes(nil, count: flat.count)
        index.link(range, threads: threads, progress: progress)
        return index
    }

    // MARK: - Counts

    /// Live (not deleted) documents.
    public var count: Int { rwLock.read { graph.count - graph.deletedCount } }
    /// Nodes in the graph, deleted ones included.
    public var nodeCount: Int { rwLock.read { graph.count } }
    public var deletedCount: Int { rwLock.read { graph.deletedCount } }
    /// The top layer of the graph (-1 when empty).
    public var maxLevel: Int { rwLock.read { graph.maxLevel } }

    /// The beam width used when a search does not give one (initially `parameters.efSearch`).
    public var efSearch: Int {
        get { rwLock.read { defaultEf } }
        set { rwLock.write { defaultEf = Swift.max(1, newValue) } }
    }

    /// The id of the node at `position` (`0..<nodeCount`).
    public func documentID(at position: Int) -> String {
        rwLock.read { documentIDs.id(at: position) }
    }

    /// True when a live document has this id.
    public func contains(_ id: String) -> Bool {
        rwLock.write {
            guard let node = positionMap()[id] else { return false }
            return !graph.isDeleted(node)
        }
    }

    // MARK: - Changes

    /// Adds documents (`ids.count × dimension` values, row-major) and links them into the graph
    /// with `threads` threads. An id may come back after its document was deleted.
    public func add(ids: [String], vectors: [Float], threads: Int = 1,
                    progress: any ProgressReporter = SilentProgress()) throws {
        guard vectors.count == ids.count * dimension else {
            throw VectorIndexError.wrongDimension(expected: dimension, found: ids.isEmpty ? vectors.count : vectors.count / ids.count)
        }
        if ids.isEmpty { return }
        try rwLock.write {
            guard graph.count + ids.count < Int(UInt32.max) else { throw VectorIndexError.tooManyNodes(graph.count + ids.count) }
            var map = positionMap()
            var batch = Set<String>(minimumCapacity: ids.count)
            for id in ids {
                if let node = map[id], !graph.isDeleted(node) { throw VectorIndexError.duplicateDocumentID(id) }
                guard batch.insert(id).inserted else { throw VectorIndexError.duplicateDocumentID(id) }
            }
            let encoded = try vectors.withUnsafeBufferPointer { try vectorType.encode($0, dimension: dimension) { ids[$0] } }
            graph.makeOwned()
            let range = encoded.withUnsafeBytes { graph.appendNodes($0.baseAddress!, count: ids.count) }
            for (offset, id) in ids.enumerated() {
                documentIDs.append(id)
                map[id] = range.lowerBound + offset
            }
            positions = map
            link(range, threads: threads, progress: progress)
        }
    }

    /// Deletes documents by id: they stay in the graph as tombstones that searches pass through
    /// but never return, until ``rebuilt(threads:progress:)``. Returns how many were live.
    /// An unknown id throws and deletes nothing.
    @discardableResult
    public func delete(ids: [String]) throws -> Int {
        try rwLock.write {
            let map = positionMap()
            let nodes = try ids.map { id in
                guard let node = map[id] else { throw VectorIndexError.unknownDocumentID(id) }
                return node
            }
            return nodes.reduce(0) { $0 + (graph.markDeleted($1) ? 1 : 0) }
        }
    }

    /// A new index of the live documents only, in their order, built from scratch.
    public func rebuilt(threads: Int = 1, progress: any ProgressReporter = SilentProgress()) throws -> HNSWIndex {
        try rwLock.read {
            var ids: [String] = []
            var vectors: [Float] = []
            ids.reserveCapacity(graph.count - graph.deletedCount)
            vectors.reserveCapacity((graph.count - graph.deletedCount) * dimension)
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: dimension)
            defer { buffer.deallocate() }
            for node in 0..<graph.count where !graph.isDeleted(node) {
                ids.append(documentIDs.id(at: node))
                vectors.append(contentsOf: UnsafeBufferPointer(start: graph.floats(of: node, buffer: buffer), count: dimension))
            }
            var fresh = parameters
            fresh.efSearch = defaultEf
            // Float16 values widened and narrowed again come back unchanged.
            return try HNSWIndex.build(ids: ids, vectors: vectors, dimension: dimension, parameters: fresh,
                                       model: model, source: source, vectorType: vectorType, threads: threads,
                                       progress: progress)
        }
    }

    // MARK: - Search

    /// For each query (row-major, `queries.count / dimension` rows), the `k` best live documents,
    /// best first, with a beam of `max(efSearch, k)` (default: ``efSearch``), on `threads` threads.
    public func search(_ queries: [Float], k: Int, efSearch: Int? = nil, threads: Int = 1) throws -> [[ScoredDocument]] {
        let hits = try searchPositions(queries, k: k, efSearch: efSearch, threads: threads)
        return rwLock.read {
            hits.map { row in row.map { ScoredDocument(id: documentIDs.id(at: $0.position), score: Double($0.score)) } }
        }
    }

    /// One hit by node position (see ``documentID(at:)``) and score.
    public struct Hit: Sendable, Hashable {
        public var position: Int
        public var score: Float
    }

    /// As ``search(_:k:efSearch:threads:)``, by node position: no id strings are made.
    public func searchPositions(_ queries: [Float], k: Int, efSearch: Int? = nil, threads: Int = 1) throws -> [[Hit]] {
        guard queries.count % dimension == 0 else {
            throw VectorIndexError.wrongDimension(expected: dimension, found: queries.count)
        }
        guard k >= 0 else { throw VectorIndexError.invalidParameter("k must not be negative, not \(k)") }
        if let efSearch, efSearch < 1 { throw VectorIndexError.invalidParameter("efSearch must be at least 1, not \(efSearch)") }
        for value in queries where !value.isFinite { throw VectorIndexError.notFinite(id: "<query>") }
        let queryCount = queries.count / dimension
        if queryCount == 0 { return [] }
        return rwLock.read {
            let ef = efSearch ?? defaultEf
            let workers = Swift.max(1, Swift.min(threads, queryCount))
            let scratch = takeScratches(workers)
            defer { returnScratches(scratch) }
            let sign: Float = -1  // scores are minus the distance (the inner product itself for .innerProduct)
            var results = [[Hit]](repeating: [], count: queryCount)
            queries.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                results.withUnsafeMutableBufferPointer { out in
                    let outBase = out.baseAddress!
                    let graph = self.graph, dimension = self.dimension
                    let run = { (q: Int, worker: Int) in
                        var found: [HNSWCandidate] = []
                        graph.search(base + q * dimension, k: k, ef: ef, scratch: scratch[worker], into: &found)
                        (outBase + q).pointee = found.map { Hit(position: Int($0.node), score: sign * $0.distance) }
                    }
                    if workers == 1 {
                        for q in 0..<queryCount { run(q, 0) }
                    } else {
                        ThreadPool(threadCount: workers).parallelFor(queryCount) { q, worker in run(q, worker) }
                    }
                }
            }
            return results
        }
    }

    // MARK: - Internals

    /// Links appended nodes, reporting progress.
    private func link(_ range: Range<Int>, threads: Int, progress: any ProgressReporter) {
        let task = "building HNSW graph"
        let total = range.count
        let counter = HNSWProgress()
        progress.report(ProgressUpdate(task: task, completed: 0, total: total, unit: "vectors"))
        graph.insert(range, threads: Swift.max(1, threads)) { done in
            if let completed = counter.add(done, every: 4096) {
                progress.report(ProgressUpdate(task: task, completed: completed, total: total, unit: "vectors"))
            }
        }
        progress.finish(ProgressUpdate(task: task, completed: total, total: total, unit: "vectors"))
    }

    /// Call with the write lock held.
    private func positionMap() -> [String: Int] {
        if let positions { return positions }
        var map = [String: Int](minimumCapacity: graph.count)
        for node in 0..<graph.count {
            let id = documentIDs.id(at: node)
            // The live node wins over deleted ones with the same id; among equals, the latest.
            if let old = map[id], !graph.isDeleted(old), graph.isDeleted(node) { continue }
            map[id] = node
        }
        positions = map
        return map
    }

    private func takeScratches(_ n: Int) -> [HNSWScratch] {
        scratchLock.lock()
        var taken: [HNSWScratch] = []
        while taken.count < n, let s = scratches.popLast() { taken.append(s) }
        scratchLock.unlock()
        while taken.count < n {
            taken.append(HNSWScratch(nodes: graph.count, maxLinks: graph.maxLinks0, ef: defaultEf, dimension: dimension))
        }
        return taken
    }

    private func returnScratches(_ list: [HNSWScratch]) {
        scratchLock.lock()
        // Keep a few for later searches; their visited arrays are as large as the graph.
        scratches.append(contentsOf: list.prefix(Swift.max(0, 8 - scratches.count)))
        scratchLock.unlock()
    }
}

/// Counts finished insertions from several threads and says when to report.
private final class HNSWProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var reported = 0

    func add(_ n: Int, every step: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        done += n
        if done - reported >= step {
            reported = done
            return done
        }
        return nil
    }
}

/// A pthread read-write lock: many readers or one writer.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func read<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func write<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
