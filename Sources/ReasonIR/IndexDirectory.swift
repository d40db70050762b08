import Foundation

/// A collection's index directory (layout: ``CollectionFormat``): its documents and any of a
/// BM25 index, a flat dense index and an HNSW graph, opened memory-mapped.
///
/// Build it from a corpus, open it, search it with BM25, dense or hybrid retrieval, and add,
/// replace or delete documents (`IndexDirectoryUpdates.swift`). Every build and update writes a
/// complete new directory under a temporary name and renames it into place, so a reader (or a
/// process killed midway) sees the old state or the new one, never a mixture; writers take a
/// ``DirectoryWriterLock`` so that two never interleave. Dense vectors are stored as Float32 or
/// Float16 (``BuildOptions/vectorType``).
///
/// Immutable: updates return the updated directory.
public final class IndexDirectory: Sendable {
    public let directory: URL
    public let manifest: CollectionManifest
    public let documents: DocumentStore
    public let bm25: BM25Index?
    public let dense: FlatDenseIndex?
    public let hnsw: HNSWIndex?

    /// What `build` makes.
    public struct BuildOptions: Sendable {
        public var bm25: Bool
        /// The embedding model (a name `ModelLocator` finds, or a directory) for the dense part.
        public var denseModel: String?
        /// Also an HNSW graph over the dense vectors (needs `denseModel`).
        public var hnsw: Bool
        public var hnswParameters: HNSWParameters
        public var bm25Settings: CollectionBM25Settings
        public var embeddingBatchSize: Int
        public var threads: Int
        /// How the dense and HNSW parts store their vectors.
        public var vectorType: VectorType
        /// Seconds to wait for another writer of the directory to finish (0: fail at once).
        public var waitForWriter: TimeInterval

        public init(bm25: Bool = true, denseModel: String? = nil, hnsw: Bool = false,
                    hnswParameters: HNSWParameters = HNSWParameters(), bm25Settings: CollectionBM25Settings = CollectionBM25Settings(),
                    embeddingBatchSize: Int = 256, threads: Int = defaultThreadCount, vectorType: VectorType = .f32,
                    waitForWriter: TimeInterval = 0) {
            self.bm25 = bm25
            self.denseModel = denseModel
            self.hnsw = hnsw
            self.hnswParameters = hnswParameters
            self.bm25Settings = bm25Settings
            self.embeddingBatchSize = embeddingBatchSize
            self.threads = threads
            self.vectorType = vectorType
            self.waitForWriter = waitForWriter
        }
    }

    /// Which part ranks the documents.
    public enum RetrieverKind: String, Sendable, CaseIterable {
        case bm25
        /// The HNSW graph when there is one, else the flat index (exact).
        case dense
        case hybrid
    }

    // MARK: - Open

    /// Opens `directory`, checking every part file's size against the manifest; with
    /// `verifyChecksums`, also rehashing them. A directory that a killed update left moved aside
    /// is put back first.
    public init(opening directory: URL, verifyChecksums: Bool = false) throws {
        AtomicDirectory.recover(directory)
        self.directory = directory
        let manifest = try CollectionManifest.read(from: directory)
        try manifest.verify(directory: directory, checksums: verifyChecksums)
        self.manifest = manifest
        func part(_ part: CollectionPart) -> URL? {
            manifest.parts.contains(part) ? directory.appendingPathComponent(part.rawValue) : nil
        }
        guard let documentsURL = part(.documents) else {
            throw CollectionError.missingPart(path: directory.path, part: CollectionPart.documents.rawValue)
        }
        documents = try DocumentStore(directory: documentsURL, count: manifest.documentCount)
        if let url = part(.bm25) {
            let index = try BM25Index(directory: url, analyzerName: manifest.bm25?.analyzer ?? BM25Index.defaultAnalyzerName)
            try Self.expect(index.documentCount, documents: manifest.documentCount, part: url)
            bm25 = index
        } else {
            bm25 = nil
        }
        if let url = part(.dense) {
            let index = try FlatDenseIndex(directory: url, model: manifest.model)
            try Self.expect(index.count, documents: manifest.documentCount, part: url)
            dense = index
        } else {
            dense = nil
        }
        if let url = part(.hnsw) {
            let index = try HNSWIndex(directory: url, model: manifest.model)
            try Self.expect(index.count, documents: manifest.documentCount, part: url)
            hnsw = index
        } else {
            hnsw = nil
        }
    }

    public static func open(_ directory: URL, verifyChecksums: Bool = false) throws -> IndexDirectory {
        try IndexDirectory(opening: directory, verifyChecksums: verifyChecksums)
    }

    private static func expect(_ count: Int, documents: Int, part: URL) throws {
        guard count == documents else {
            throw CollectionError.corrupt(path: part.path, reason: "holds \(count) documents, the collection \(documents)")
        }
    }

    // MARK: - Build

    /// Builds the collection of `corpus` into `directory`, replacing what is there when complete.
    /// The embeddings are built resumably in `.<name>.building` beside it: a build killed midway
    /// and started again with the same corpus, model and vector type skips the documents already
    /// embedded. The corpus file is streamed, once for each of the document store, BM25 and the
    /// embeddings, a batch at a time: it is never in memory as a whole. (Reading the texts back
    /// from the mapped store instead would leave every page of it resident.)
    @discardableResult
    public static func build(corpus: RecordStream<Document>, to directory: URL, options: BuildOptions = BuildOptions(),
                             progress: any ProgressReporter = SilentProgress()) throws -> IndexDirectory {
        guard options.bm25 || options.denseModel != nil else { throw CollectionError.noParts }
        guard !options.hnsw || options.denseModel != nil else { throw CollectionError.hnswNeedsDense }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = try DirectoryWriterLock(directory: directory, wait: options.waitForWriter)
        defer { lock.release() }
        AtomicDirectory.recover(directory)
        let modelLocation = try options.denseModel.map { try ModelLocator.locate($0).path }
        let model = try modelLocation.map { try EmbeddingModel.load($0, threads: options.threads) }
        let source = try CorpusFingerprint(files: corpus.files)
        let staging = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).building")
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)

        var parts: [CollectionPart] = [.documents]
        var documentCount = 0
        try writePart(.documents, in: staging) { documentCount = try DocumentStore.write(records: corpus, to: $0) }
        if options.bm25 {
            parts.append(.bm25)
            try BM25Indexing.build(records: corpus, source: source,
                                   to: staging.appendingPathComponent(CollectionPart.bm25.rawValue),
                                   threads: options.threads, progress: progress)
        }
        if let model {
            parts.append(.dense)
            let location = staging.appendingPathComponent(CollectionPart.dense.rawValue)
            let flat: FlatDenseIndex
            if let done = try? FlatDenseIndex(directory: location, model: model.identity), done.manifest.source == source,
               done.vectorType == options.vectorType {
                flat = done
            } else {
                flat = try DenseIndexing.build(records: corpus, source: source, model: model, to: location,
                                               vectorType: options.vectorType, batchSize: options.embeddingBatchSize,
                                               progress: progress)
            }
            if options.hnsw {
                parts.append(.hnsw)
                let graph = try HNSWIndex.build(from: flat, parameters: options.hnswParameters, threads: options.threads,
                                                progress: progress)
                try graph.write(to: staging.appendingPathComponent(CollectionPart.hnsw.rawValue))
            }
        }
        try commit(staging: staging, to: directory, parts: parts,
                   manifest: { files in
                       CollectionManifest(documentCount: documentCount, parts: parts,
                                          bm25: options.bm25 ? options.bm25Settings : nil, model: model?.identity,
                                          modelLocation: modelLocation,
                                          hnsw: options.hnsw ? options.hnswParameters : nil,
                                          vectorType: model != nil ? options.vectorType : nil, source: source,
                                          generation: 0, files: files)
                   })
        return try IndexDirectory(opening: directory)
    }

    /// Loads the model that made the vectors from where the build found it, and checks it is the same.
    public func loadModel(threads: Int = defaultThreadCount) throws -> EmbeddingModel {
        guard let expected = manifest.model else {
            throw CollectionError.missingPart(path: directory.path, part: CollectionPart.dense.rawValue)
        }
        let model = try EmbeddingModel.load(manifest.modelLocation ?? expected.name, threads: threads)
        guard model.identity == expected else {
            throw CollectionError.modelMismatch(path: directory.path, found: describe(expected), expected: describe(model.identity))
        }
        return model
    }

    // MARK: - Search

    /// The retriever of `kind` over this collection; dense and hybrid embed queries with `model`
    /// (default: the collection's own, loaded again), BM25 scores with `bm25` (default: the
    /// collection's settings), hybrid fuses each side's `candidates` best with `fusion`.
    public func retriever(_ kind: RetrieverKind, fusion: FusionMethod = .default, candidates: Int = 100,
                          model: EmbeddingModel? = nil, exact: Bool = false, bm25 scoring: CollectionBM25Settings? = nil,
                          threads: Int = defaultThreadCount) throws -> any Retriever {
        func lexical() throws -> BM25Retriever {
            guard let bm25 else { throw CollectionError.missingPart(path: directory.path, part: CollectionPart.bm25.rawValue) }
            let settings = scoring ?? manifest.bm25 ?? CollectionBM25Settings()
            return BM25Retriever(index: bm25, variant: settings.variant, parameters: settings.parameters, threads: threads)
        }
        func semantic() throws -> DenseRetriever {
            let vectors: (any DenseVectorIndex)? = exact ? dense : (hnsw ?? dense)
            guard let vectors else { throw CollectionError.missingPart(path: directory.path, part: CollectionPart.dense.rawValue) }
            let loaded = try model ?? loadModel(threads: threads)
            if let expected = manifest.model, loaded.identity != expected {
                throw CollectionError.modelMismatch(path: directory.path, found: describe(expected), expected: describe(loaded.identity))
            }
            return DenseRetriever(model: loaded, index: vectors)
        }
        switch kind {
        case .bm25: return try lexical()
        case .dense: return try semantic()
        case .hybrid: return HybridRetriever(bm25: try lexical(), dense: try semantic(), method: fusion, candidates: candidates)
        }
    }

    /// The `k` best documents for `query`, best first.
    public func search(_ query: String, k: Int = 10, retriever kind: RetrieverKind = .bm25, fusion: FusionMethod = .default,
                       model: EmbeddingModel? = nil) throws -> [ScoredDocument] {
        try retriever(kind, fusion: fusion, model: model).retrieve([query], k: k, excluding: nil, progress: SilentProgress())
            .first ?? []
    }

    // MARK: - Writing

    /// Writes one part's files into `staging/<part>` (replacing what is there).
    static func writePart(_ part: CollectionPart, in staging: URL, _ fill: (URL) throws -> Void) throws {
        try AtomicDirectory.write(to: staging.appendingPathComponent(part.rawValue), fill)
    }

    /// Drops anything but the parts from `staging`, writes the manifest over the parts' files, and
    /// renames `staging` to `directory`: the commit point.
    static func commit(staging: URL, to directory: URL, parts: [CollectionPart],
                               manifest: ([String: FileChecksum]) throws -> CollectionManifest) throws {
        let fileManager = FileManager.default
        let wanted = Set(parts.map(\.rawValue))
        for name in try fileManager.contentsOfDirectory(atPath: staging.path) where !wanted.contains(name) {
            try fileManager.removeItem(at: staging.appendingPathComponent(name))
        }
        let files = try CollectionManifest.checksums(of: staging, parts: parts)
        try ManifestFile.write(try manifest(files), in: staging)
        try AtomicDirectory.replace(directory, with: staging)
    }
}

func describe(_ model: EmbeddingModelIdentity) -> String { "\(model.name) (\(model.fingerprint))" }
