import Foundation
import Parquet
import Retrieval

/// Everything that can go wrong while reading datasets, runs and qrels, or writing runs.
///
/// Each case names the file and, where there is one, the 1-based line and the field, so the
/// message alone tells a user what to fix. The command-line tool prints `description` and exits
/// non-zero.
public enum EvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case cannotOpen(path: String)
    /// The file (or its temporary sibling) could not be written.
    case cannotWrite(path: String, reason: String)
    /// The file opened, but a read failed after `line` lines (an I/O error, a directory).
    case readFailed(path: String, line: Int, reason: String)
    /// A line is not valid UTF-8.
    case invalidUTF8(path: String, line: Int)
    /// A JSONL line is not a JSON object.
    case invalidJSON(path: String, line: Int, reason: String)
    /// A required field of a JSON row is absent.
    case missingField(path: String, line: Int, field: String)
    /// A field is present but holds the wrong kind of value.
    case invalidField(path: String, line: Int, field: String, expected: String, found: String)
    /// A line of a text format (TREC run, qrels) does not have the expected shape.
    case malformedLine(path: String, line: Int, reason: String)
    /// A Parquet file is damaged or uses what the reader does not support (the error names the
    /// file, the column and the byte offset).
    case parquet(ParquetError)
    /// A BRIGHT directory in the hub's layout has no file for `task` in the config folder `config`.
    case missingTask(directory: String, config: String, task: String)
    /// A run and its judgments have no query in common, so there is nothing to average.
    case noQueriesToEvaluate(run: String, judgments: String)

    public var description: String {
        switch self {
        case .readFailed(let path, let line, let reason):
            return "\(path): read failed after line \(line): \(reason)"
        case .cannotOpen(let path):
            return "cannot open \(path): no such file or not readable"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): not valid UTF-8"
        case .invalidJSON(let path, let line, let reason):
            return "\(path):\(line): invalid JSON: \(reason)"
        case .missingField(let path, let line, let field):
            return "\(path):\(line): missing field \"\(field)\""
        case .invalidField(let path, let line, let field, let expected, let found):
            return "\(path):\(line): field \"\(field)\": expected \(expected), found \(found)"
        case .malformedLine(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .parquet(let error):
            return error.description
        case .missingTask(let directory, let config, let task):
            return "\(directory)/\(config): no file for the task \(task) (expected \(config)/\(task)-00000-of-0000N.parquet or \(config)/\(task).parquet)"
        case .noQueriesToEvaluate(let run, let judgments):
            return "no query of the run \(run) has judgments in \(judgments): nothing to evaluate"
        }
    }

    /// The same problem reported by the `Retrieval` module's `LineReader`.
    init(_ error: FileError) {
        switch error {
        case .cannotOpen(let path): self = .cannotOpen(path: path)
        case .invalidUTF8(let path, let line): self = .invalidUTF8(path: path, line: line)
        case .malformedLine(let path, let line, let reason): self = .malformedLine(path: path, line: line, reason: reason)
        case .missingField(let path, let line, let field): self = .missingField(path: path, line: line, field: field)
        case .readFailed(let path, let line, let reason): self = .readFailed(path: path, line: line, reason: reason)
        }
    }
}

extension LineReader {
    /// Opens `url` for streaming, reporting a missing file as `EvaluationError.cannotOpen`.
    static func open(_ url: URL) throws(EvaluationError) -> LineReader {
        do {
            return try LineReader(url: url)
        } catch let error as FileError {
            throw EvaluationError(error)
        } catch {
            throw .cannotOpen(path: url.path)
        }
    }
}

extension LineReader.Iterator {
    /// The next line; a failed read is `EvaluationError.readFailed`, never a short file.
    mutating func nextChecked() throws(EvaluationError) -> LineReader.Line? {
        do { return try nextLine() } catch { throw EvaluationError(error) }
    }
}

extension LineReader.Line {
    /// The line as text, with a UTF-8 byte-order mark dropped from the first line.
    func text(path: String) throws(EvaluationError) -> String {
        var bytes = self.bytes
        if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .invalidUTF8(path: path, line: number)
        }
        return string
    }
}
