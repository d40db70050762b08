import Foundation
import JSON

/// One training row: a query, its positive and its hard negatives (texts with any instruction already put in front).
public struct TrainingExample: Sendable, Equatable {
    public var query: String
    public var positive: String
    public var negatives: [String]

    public init(query: String, positive: String, negatives: [String] = []) {
        self.query = query
        self.positive = positive
        self.negatives = negatives
    }

    /// Every text of the row (what the no-duplicates sampler compares).
    public var texts: [String] { [query, positive] + negatives }
}

/// Reads training rows from JSONL, one object a line (blank lines skipped), in either shape:
/// - the synthesizer's `train.jsonl` (GritLM's): `{"query": [instruction, text], "pos": [[instruction, text], …],
///   "neg": [[instruction, text], …]}`, where a bare string stands for `["", text]`; the first positive is used;
/// - plain rows: `{"query" | "anchor": text, "positive": text, "negative": text}` or `"negatives": [text, …]`.
///
/// An instruction goes directly in front of its text (as sentence-transformers prompts do).
public enum TrainingDataFile {
    public static func load(_ url: URL) throws -> [TrainingExample] {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.badData(path: path, line: 0, reason: "cannot read the file")
        }
        var rows: [TrainingExample] = []
        var line = 0
        for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            let bytes = slice.last == UInt8(ascii: "\r") ? slice.dropLast() : slice
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let value: JSONValue
            do { value = try JSONParser.parse(Array(bytes)) } catch {
                throw TrainingError.badData(path: path, line: line, reason: "malformed JSON: \(error)")
            }
            do { rows.append(try example(value)) } catch let reason as RowError {
                throw TrainingError.badData(path: path, line: line, reason: reason.message)
            }
        }
        guard !rows.isEmpty else { throw TrainingError.badData(path: path, line: 0, reason: "no training rows (the file is empty)") }
        return rows
    }

    struct RowError: Error { let message: String }

    static func example(_ value: JSONValue) throws -> TrainingExample {
        guard case .object = value else { throw RowError(message: "a row must be a JSON object") }
        /// `text`, or `[instruction, text]`.
        func text(_ v: JSONValue, _ field: String) throws -> String {
            switch v {
            case .string(let s): return s
            case .array(let parts):
                guard parts.count == 2, case .string(let instruction) = parts[0], case .string(let s) = parts[1] else {
                    throw RowError(message: "\"\(field)\" must be a string or [instruction, text]")
                }
                return instruction + s
            default: throw RowError(message: "\"\(field)\" must be a string or [instruction, text]")
            }
        }
        func texts(_ v: JSONValue, _ field: String) throws -> [String] {
            // A list of texts, or of [instruction, text] pairs; a single pair counts as one text only in the GritLM shape.
            if case .array(let items) = v {
                if items.count == 2, case .string = items[0], case .string = items[1], field == "query" { return [try text(v, field)] }
                return try items.map { try text($0, field) }
            }
            return [try text(v, field)]
        }
        guard let q = value["query"] ?? value["anchor"] else { throw RowError(message: "missing field \"query\" (or \"anchor\")") }
        let query = try text(q, "query")
        var positives: [String] = []
        if let p = value["pos"] { positives = try texts(p, "pos") }
        if let p = value["positive"] { positives = try texts(p, "positive") }
        guard value["pos"] != nil || value["positive"] != nil else { throw RowError(message: "missing field \"positive\" (or \"pos\")") }
        guard let positive = positives.first else { throw RowError(message: "the row has no positive") }
        var negatives: [String] = []
        for field in ["neg", "negative", "negatives"] {
            if let n = value[field] { negatives += try texts(n, field) }
        }
        return TrainingExample(query: query, positive: positive, negatives: negatives)
    }
}
