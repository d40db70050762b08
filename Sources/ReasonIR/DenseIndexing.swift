import Foundation
import Models

/// Embeds corpora into flat dense indexes, resumably, and reuses them when current.
public enum DenseIndexing {
    /// Embeds `corpus` with `model` into `directory`, storing the vectors as `vectorType`. An
    /// interrupted earlier build for the same directory, model, corpus and vector type is resumed:
    /// its documents are skipped, not embedded again.
    @discardableResult
    public static func build(corpus: RecordStream<Document>, model: EmbeddingModel, to directory: URL,
                             vectorType: VectorType = .f32, batchSize: Int = 512,
                             progress: any ProgressReporter = SilentProgress()) throws -> FlatDenseIndex {
        try build(records: corpus, source: try CorpusFingerprint(files: corpus.files), model: model, to: directory,
                  vectorType: vectorType, batchSize: batchSize, progress: progress)
    }

    /// As above, from any sequence of documents (or errors met reading them); `source` identifies
    /// the corpus for a resume.
    @discardableResult
    public static func build<Records: Sequence, Failure: Error>(
        records: Records, source: CorpusFingerprint?, model: EmbeddingModel, to directory: URL,
        vectorType: VectorType = .f32, batchSize: Int = 512, progress: any ProgressReporter = SilentProgress()
    ) throws -> FlatDenseIndex where Records.Element == Result<Document, Failure> {
        let builder = try DenseIndexBuilder(destination: directory, model: model.identity, source: source, vectorType: vectorType)
        let task = "embedding documents (\(model.identity.name))"
        var batch: [Document] = []
        var seen = 0
        progress.report(ProgressUpdate(task: task, completed: builder.count, total: nil, unit: "documents"))
        func flush() throws {
            guard !batch.isEmpty else { return }
            let vectors = try model.embedder.embed(batch.map(\.text), kind: .document)
            try builder.append(ids: batch.map(\.id), vectors: vectors.values)
            batch.removeAll(keepingCapacity: true)
            progress.report(ProgressUpdate(task: task, completed: builder.count, total: nil, unit: "documents"))
        }
        for record in records {
            let document = try record.get()
            seen += 1
            if seen <= builder.resumeCount { continue }
            batch.append(document)
            if batch.count == batchSize { try flush() }
        }
        try flush()
        try builder.finish()
        progress.finish(ProgressUpdate(task: task, completed: builder.count, total: builder.count, unit: "documents"))
        return try FlatDenseIndex(directory: directory, model: model.identity)
    }

    /// Opens the index in `directory` when it holds this model's vectors of this very corpus file,
    /// stored as `vectorType`; otherwise builds (or resumes) it.
    public static func openOrBuild(corpus: RecordStream<Document>, model: EmbeddingModel, directory: URL,
                                   vectorType: VectorType = .f32,
                                   progress: any ProgressReporter = SilentProgress()) throws -> (index: FlatDenseIndex, reused: Bool) {
        if let index = try? FlatDenseIndex(directory: directory, model: model.identity),
           index.manifest.source == (try? CorpusFingerprint(files: corpus.files)), index.vectorType == vectorType {
            return (index, true)
        }
        return (try build(corpus: corpus, model: model, to: directory, vectorType: vectorType, progress: progress), false)
    }

    /// The cache directory kind for a model: one index per model identity (a non-default precision
    /// included: its vectors differ from the float32 ones) and vector type. Float32 vectors of a
    /// float32 model keep the name they had before both, so existing caches stay valid.
    public static func cacheKind(for model: EmbeddingModel, vectorType: VectorType = .f32) -> String {
        let precision = model.identity.settings["precision"].map { "-" + $0 } ?? ""
        return "dense-\(model.identity.name)-\(model.identity.fingerprint.prefix(8))\(precision)" + (vectorType == .f32 ? "" : "-\(vectorType.rawValue)")
    }
}

/// Dense retrieval: embed the queries, search the vectors (exactly with a flat index).
public struct DenseRetriever: Retriever {
    public let model: EmbeddingModel
    public let index: any DenseVectorIndex
    /// Put before each query (e5's `query: `, or a task instruction).
    public var queryInstruction: String?

    public init(model: EmbeddingModel, index: any DenseVectorIndex, queryInstruction: String? = nil) {
        self.model = model
        self.index = index
        self.queryInstruction = queryInstruction
    }

    public func retrieve(_ queries: [String], k: Int, excluding: [Set<String>]?,
                         progress: any ProgressReporter) throws -> [[ScoredDocument]] {
        progress.report(ProgressUpdate(task: "embedding queries", completed: 0, total: queries.count, unit: "queries"))
        let vectors = try model.embedder.embed(queries, kind: .query(instruction: queryInstruction))
        progress.finish(ProgressUpdate(task: "embedding queries", completed: queries.count, total: queries.count, unit: "queries"))
        return try index.searchVectors(vectors.values, k: k, excluding: excluding)
    }
}
