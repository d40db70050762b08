import Foundation
import JSON

/// The files a run ends with, made from the journal's records (in seed order, then task order),
/// each written atomically:
/// - `train.jsonl`: GritLM/ReasonIR training rows,
///   `{"query": [instruction, text], "pos": [[instruction, text]], "neg": [[instruction, text], …]}`;
/// - `triplets.jsonl`: sentence-transformers rows `{"anchor", "positive", "negative"}`, one per negative;
/// - `rejected.jsonl`: the pairs that gave no query, with the step and reason;
/// - `report.json` and `report.txt`: counts, lengths, rejections, timing, examples.
public enum TrainingFiles {
    public static let train = "train.jsonl"
    public static let triplets = "triplets.jsonl"
    public static let rejected = "rejected.jsonl"
    public static let reportJSON = "report.json"
    public static let reportTable = "report.txt"

    /// The records of `seeds` × `tasks`, in that order; pairs the journal lacks are left out.
    public static func ordered(_ records: [SynthesisRecord], seeds: [String], tasks: [SynthesisTask]) -> [SynthesisRecord] {
        var byKey: [SynthesisRecord.Key: SynthesisRecord] = [:]
        for record in records where byKey[record.key] == nil { byKey[record.key] = record }
        return seeds.flatMap { seed in tasks.compactMap { byKey[.init(seed: seed, task: $0)] } }
    }

    public static func write(records: [SynthesisRecord], options: SynthesisOptions, report: SynthesisReport,
                             to directory: URL) throws {
        var train = "", triplets = "", rejected = ""
        for record in records {
            guard record.status == .accepted, let query = record.query, let positive = record.positive else {
                let first = record.rejections.first
                rejected += object([("seed", string(record.seed)), ("task", string(record.task.rawValue)),
                                    ("step", first.map { string($0.step.rawValue) } ?? "null"),
                                    ("reason", first.map { string($0.reason.rawValue) } ?? "null"),
                                    ("detail", first.map { string($0.detail) } ?? "null")]) + "\n"
                continue
            }
            let pair = { (instruction: String, text: String) in "[" + string(instruction) + "," + string(text) + "]" }
            train += object([("query", pair(options.queryInstruction, query)),
                             ("pos", "[" + pair(options.documentInstruction, positive) + "]"),
                             ("neg", "[" + record.negatives.map { pair(options.documentInstruction, $0.text) }.joined(separator: ",") + "]")])
                + "\n"
            for negative in record.negatives {
                triplets += object([("anchor", string(query)), ("positive", string(positive)), ("negative", string(negative.text))]) + "\n"
            }
        }
        try AtomicFile.write(Data(train.utf8), to: directory.appendingPathComponent(Self.train))
        try AtomicFile.write(Data(triplets.utf8), to: directory.appendingPathComponent(Self.triplets))
        try AtomicFile.write(Data(rejected.utf8), to: directory.appendingPathComponent(Self.rejected))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(report), to: directory.appendingPathComponent(Self.reportJSON))
        try AtomicFile.write(Data(report.table.utf8), to: directory.appendingPathComponent(Self.reportTable))
    }

    /// A JSON object with members in the order given (the training formats' own order).
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func string(_ text: String) -> String {
        JSONString.quoted(text)
    }
}
