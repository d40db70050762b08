import Foundation

// Updates of a collection: add, replace (upsert), delete, compact. Each takes the directory's
// writer lock, applies the change to the directory as it is on disk then (another writer may
// have committed since this instance was opened), writes a complete new directory beside it and
// renames it into place. The document store and BM25 are rewritten from the kept documents
// (cheap beside embedding), only new documents are embedded, the flat index copies the kept
// rows as they are stored, and the HNSW graph tombstones deleted nodes and links new ones, or is
// rebuilt from the live vectors when tombstones pass ``IndexDirectory/hnswRebuildThreshold``.
extension IndexDirectory {
    /// When deleted HNSW nodes exceed this share of the graph, an update rebuilds the graph from
    /// the live vectors: tombstones still cost search time and, in numbers, recall.
    public static let hnswRebuildThreshold = 0.2

    /// Adds documents; an id already in the collection (or twice in `added`) is an error and
    /// nothing changes. Returns the updated collection.
    @discardableResult
    public func add(_ added: [Document], model: EmbeddingModel? = nil, waitForWriter: TimeInterval = 0,
                    progress: any ProgressReporter = SilentProgress()) throws -> IndexDirectory {
        try Self.refuseRepeats(added)
        return try underWriterLock(wait: waitForWriter) { current in
            for document in added where current.documents.document(id: document.id) != nil {
                throw CollectionError.duplicateDocumentID(document.id)
            }
            return try current.apply(adding: added, deleting: [], model: model, progress: progress)
        }
    }

    /// Adds documents, replacing any whose id is already in the collection: afterwards the
    /// document store, BM25, the dense vectors and the HNSW graph all hold the new text (a
    /// replaced document moves to the end of the collection's order). An id twice in
    /// `documents` is an error. Returns the updated collection.
    @discardableResult
    public func upsert(_ documents: [Document], model: EmbeddingModel? = nil, waitForWriter: TimeInterval = 0,
                       progress: any ProgressReporter = SilentProgress()) throws -> IndexDirectory {
        try Self.refuseRepeats(documents)
        return try underWriterLock(wait: waitForWriter) { current in
            let replaced = Set(documents.lazy.map(\.id).filter { current.documents.document(id: $0) != nil })
            return try current.apply(adding: documents, deleting: replaced, model: model, progress: progress)
        }
    }

    /// Deletes documents by id; an unknown id is an error and nothing changes. Returns the updated collection.
    @discardableResult
    public func delete(ids: [String], waitForWriter: TimeInterval = 0,
                       progress: any ProgressReporter = SilentProgress()) throws -> IndexDirectory {
        try underWriterLock(wait: waitForWriter) { current in
            for id in ids where current.documents.document(id: id) == nil { throw CollectionError.unknownDocumentID(id) }
            return try current.apply(adding: [], deleting: Set(ids), model: nil, progress: progress)
        }
    }

    /// Rewrites the collection with the HNSW graph rebuilt from the live vectors (no tombstones
    /// left). The flat index never keeps deleted rows: every update copies only the kept ones.
    @discardableResult
    public func compact(waitForWriter: TimeInterval = 0, progress: any ProgressReporter = SilentProgress()) throws -> IndexDirectory {
        try underWriterLock(wait: waitForWriter) { current in
            try current.apply(adding: [], deleting: [], model: nil, rebuildGraph: true, progress: progress)
        }
    }

    private static func refuseRepeats(_ documents: [Document]) throws {
        var seen = Set<String>(minimumCapacity: documents.count)
        for document in documents where !seen.insert(document.id).inserted {
            throw CollectionError.duplicateDocumentID(document.id)
        }
    }

    /// Runs `body` on the directory as committed now, holding its writer lock.
    private func underWriterLock(wait: TimeInterval, _ body: (IndexDirectory) throws -> IndexDirectory) throws -> IndexDirectory {
        let lock = try DirectoryWriterLock(directory: directory, wait: wait)
        defer { lock.release() }
        AtomicDirectory.recover(directory)
        let current = try CollectionManifest.read(from: directory) == manifest ? self : IndexDirectory(opening: directory)
        return try body(current)
    }

    private func apply(adding added: [Document], deleting deleted: Set<String>, model given: EmbeddingModel?,
                       rebuildGraph: Bool = false, progress: any ProgressReporter) throws -> IndexDirectory {
        let needsVectors = dense != nil && !added.isEmpty
        let model = needsVectors ? try given ?? loadModel() : given
        if let model, let expected = manifest.model, model.identity != expected {
            throw CollectionError.modelMismatch(path: directory.path, found: describe(expected), expected: describe(model.identity))
        }
        var addedVectors: [Float] = []
        if needsVectors, let model {
            progress.report(ProgressUpdate(task: "embedding documents", completed: 0, total: added.count, unit: "documents"))
            addedVectors = try model.embedder.embed(added.map(\.text), kind: .document).values
            progress.finish(ProgressUpdate(task: "embedding documents", completed: added.count, total: added.count, unit: "documents"))
        }
        let staging = directory.deletingLastPathComponent()
            .appendingPathComponent(".\(directory.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-update")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        var documentCount = 0
        do {
            try Self.writePart(.documents, in: staging) { location in
                let writer = try DocumentStore.Writer(directory: location)
                for i in 0..<documents.count where !deleted.contains(documents.ids[i]) { try writer.append(documents.document(at: i)) }
                for document in added { try writer.append(document) }
                documentCount = try writer.finish()
            }
            if bm25 != nil {
                let store = try DocumentStore(directory: staging.appendingPathComponent(CollectionPart.documents.rawValue),
                                              count: documentCount)
                try BM25Indexing.build(records: store.records, source: nil,
                                       to: staging.appendingPathComponent(CollectionPart.bm25.rawValue),
                                       threads: defaultThreadCount, progress: progress)
            }
            if let dense {
                let builder = try DenseIndexBuilder(destination: staging.appendingPathComponent(CollectionPart.dense.rawValue),
                                                    model: dense.manifest.model, source: dense.manifest.source,
                                                    vectorType: dense.vectorType)
                try Self.copyRows(of: dense, except: deleted, into: builder)
                try builder.append(ids: added.map(\.id), vectors: addedVectors)
                try builder.finish()
            }
            if hnsw != nil { try writeGraph(in: staging, adding: added, vectors: addedVectors, deleting: deleted,
                                            rebuild: rebuildGraph, progress: progress) }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        var next = manifest
        try Self.commit(staging: staging, to: directory, parts: manifest.parts) { files in
            next.documentCount = documentCount
            next.generation += 1
            next.files = files
            return next
        }
        return try IndexDirectory(opening: directory)
    }

    /// Copies the rows of `dense` whose ids are not in `deleted` into `builder`, as stored.
    private static func copyRows(of dense: FlatDenseIndex, except deleted: Set<String>, into builder: DenseIndexBuilder) throws {
        var ids: [String] = []
        var rows = Data()
        for row in 0..<dense.count {
            let id = dense.documentID(at: row)
            if deleted.contains(id) { continue }
            ids.append(id)
            rows.append(contentsOf: dense.encodedRows(row..<(row + 1)))
            if ids.count == 4096 {
                try builder.append(ids: ids, encoded: rows)
                ids.removeAll(keepingCapacity: true)
                rows.removeAll(keepingCapacity: true)
            }
        }
        try builder.append(ids: ids, encoded: rows)
    }

    /// The HNSW part of an update: the committed graph with the deleted nodes tombstoned and the
    /// added ones linked, or, on `rebuild` or when tombstones would pass the threshold, a graph
    /// built afresh from the staged flat index (the live vectors, in the collection's order).
    private func writeGraph(in staging: URL, adding added: [Document], vectors: [Float], deleting deleted: Set<String>,
                            rebuild: Bool, progress: any ProgressReporter) throws {
        let location = staging.appendingPathComponent(CollectionPart.hnsw.rawValue)
        let graph = try HNSWIndex(directory: directory.appendingPathComponent(CollectionPart.hnsw.rawValue), model: manifest.model)
        try graph.delete(ids: deleted.filter { graph.contains($0) }.sorted())
        let tombstones = Double(graph.deletedCount), nodes = Double(graph.nodeCount + added.count)
        if rebuild || tombstones > Self.hnswRebuildThreshold * nodes {
            let flat = try FlatDenseIndex(directory: staging.appendingPathComponent(CollectionPart.dense.rawValue))
            var parameters = graph.parameters
            parameters.efSearch = graph.efSearch
            try HNSWIndex.build(from: flat, parameters: parameters, threads: defaultThreadCount, progress: progress).write(to: location)
        } else {
            try graph.add(ids: added.map(\.id), vectors: vectors, threads: defaultThreadCount, progress: progress)
            try graph.write(to: location)
        }
    }
}
