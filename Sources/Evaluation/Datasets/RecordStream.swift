import Foundation
import Retrieval

/// The records of a JSONL file, read lazily one line at a time (or of another source, such as a
/// Parquet file read row group by row group, given as a function that starts an iteration).
///
/// Iteration never holds more than a chunk of the file and one record in memory, so a corpus of
/// millions of documents streams in constant memory. Each element is a `Result`: a line that
/// cannot be read (invalid UTF-8, invalid JSON, a missing or mistyped field) yields one
/// `.failure` naming the file, line and field, and iteration then ends. Blank lines are skipped.
///
/// ```swift
/// for record in try dataset.corpus() {
///     let document = try record.get()
///     …
/// }
/// try dataset.corpus().forEachRecord { document in … }   // the same, stopping at the first error
/// let all = try dataset.queries().collect()
/// ```
public struct RecordStream<Record>: Sequence, Sendable {
    /// The file being read (the first, when the records span several).
    public let url: URL
    /// Every file the records come from, in order: the shards of a sharded Parquet config, or `url` alone.
    public let files: [URL]
    private let parse: @Sendable (JSONRow) throws(EvaluationError) -> Record
    private let records: (@Sendable () -> AnyIterator<Result<Record, EvaluationError>>)?

    /// Checks that `url` can be read; the lines are read only when iterating.
    init(url: URL, parse: @escaping @Sendable (JSONRow) throws(EvaluationError) -> Record) throws(EvaluationError) {
        _ = try LineReader.open(url)
        self.url = url
        self.files = [url]
        self.parse = parse
        self.records = nil
    }

    /// Records from another source: `records` starts a new iteration each time it is called;
    /// `url` names the source (its first file) for messages, `files` every file it reads (index
    /// caches fingerprint them all; default: `url` alone).
    public init(url: URL, files: [URL]? = nil, records: @escaping @Sendable () -> AnyIterator<Result<Record, EvaluationError>>) {
        self.url = url
        self.files = files ?? [url]
        self.parse = { _ throws(EvaluationError) in throw .cannotOpen(path: url.path) }
        self.records = records
    }

    public func makeIterator() -> Iterator {
        if let records { return Iterator(records: records()) }
        return Iterator(url: url, parse: parse)
    }

    public struct Iterator: IteratorProtocol {
        private var lines: LineReader.Iterator?
        private let path: String
        private let parse: @Sendable (JSONRow) throws(EvaluationError) -> Record
        private var pending: EvaluationError?
        private var finished = false
        private var records: AnyIterator<Result<Record, EvaluationError>>?

        init(records: AnyIterator<Result<Record, EvaluationError>>) {
            self.path = ""
            self.parse = { _ throws(EvaluationError) in throw .cannotOpen(path: "") }
            self.records = records
        }

        init(url: URL, parse: @escaping @Sendable (JSONRow) throws(EvaluationError) -> Record) {
            self.path = url.path
            self.parse = parse
            do {
                lines = try LineReader.open(url).makeIterator()
            } catch {
                pending = error  // the file vanished between `init` and iteration
            }
        }

        public mutating func next() -> Result<Record, EvaluationError>? {
            guard !finished else { return nil }
            if let records {
                let next = records.next()
                if next == nil { finished = true }
                if case .failure? = next { finished = true }
                return next
            }
            if let error = pending {
                finished = true
                return .failure(error)
            }
            while true {
                do {
                    guard let line = try lines?.nextChecked() else { break }
                    guard let row = try JSONRow.decode(line, path: path) else { continue }
                    return .success(try parse(row))
                } catch {
                    finished = true
                    return .failure(error)
                }
            }
            finished = true
            return nil
        }
    }

    /// Calls `body` with each record in file order; stops at and throws the first error.
    public func forEachRecord(_ body: (Record) throws -> Void) throws {
        for result in self {
            try body(result.get())
        }
    }

    /// Reads every record into an array (for small files: queries, examples).
    public func collect() throws(EvaluationError) -> [Record] {
        var records: [Record] = []
        for result in self {
            switch result {
            case .success(let record): records.append(record)
            case .failure(let error): throw error
            }
        }
        return records
    }
}
