import Foundation

/// Builds BM25 indexes from corpora streamed from disk, and reuses them when they are current.
public enum BM25Indexing {
    /// Streams `corpus` through the analyzer in batches and writes the index to `directory`.
    @discardableResult
    public static func build(corpus: RecordStream<Document>, to directory: URL, batchSize: Int = 4096,
                             threads: Int = defaultThreadCount,
                             progress: any ProgressReporter = SilentProgress()) throws -> BM25Index {
        try build(records: corpus, source: try CorpusFingerprint(files: corpus.files), to: directory, batchSize: batchSize,
                  threads: threads, progress: progress)
    }

    /// As above, from any sequence of documents (or errors met reading them).
    @discardableResult
    public static func build<Records: Sequence, Failure: Error>(
        records: Records, source: CorpusFingerprint?, to directory: URL, batchSize: Int = 4096,
        threads: Int = defaultThreadCount, progress: any ProgressReporter = SilentProgress()
    ) throws -> BM25Index where Records.Element == Result<Document, Failure> {
        var builder = BM25IndexBuilder(threads: threads)
        var batch: [Document] = []
        batch.reserveCapacity(batchSize)
        progress.report(ProgressUpdate(task: "indexing (BM25)", completed: 0, total: nil, unit: "documents"))
        func flush() throws {
            try builder.add(batch)
            batch.removeAll(keepingCapacity: true)
            progress.report(ProgressUpdate(task: "indexing (BM25)", completed: builder.documentCount, total: nil, unit: "documents"))
        }
        for record in records {
            batch.append(try record.get())
            if batch.count == batchSize { try flush() }
        }
        try flush()
        try builder.write(to: directory, source: source)
        progress.finish(ProgressUpdate(task: "indexing (BM25)", completed: builder.documentCount, total: builder.documentCount, unit: "documents"))
        return try BM25Index(directory: directory)
    }

    /// Opens the index in `directory` when it was built from this very corpus file (same path,
    /// size and modification time) by this format version; otherwise builds it anew.
    public static func openOrBuild(corpus: RecordStream<Document>, directory: URL, threads: Int = defaultThreadCount,
                                   progress: any ProgressReporter = SilentProgress()) throws -> (index: BM25Index, reused: Bool) {
        if let index = try? BM25Index(directory: directory),
           index.manifest.source == (try? CorpusFingerprint(files: corpus.files)) {
            return (index, true)
        }
        return (try build(corpus: corpus, to: directory, threads: threads, progress: progress), false)
    }
}
