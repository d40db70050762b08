import Foundation

/// What a run measured: accuracy per condition and answer type, the paired differences against
/// closed book, the work done.
public struct RAGSummary: Sendable {
    public var conditions: [(name: String, label: String, summary: RAGConditionSummary)]
    public var differences: [(name: String, value: PairedDifference)]
    public var skippedWithoutAnswer: Int
    public var completionTokens: Int
    public var emptyOrUnparsed: Int
    public var wallSeconds: Double

    public static func make(predictions: [RAGPrediction], run: RAGRun, skipped: Int, wallSeconds: Double) -> RAGSummary {
        let labels = run.conditions.map { ($0.rawValue, run.label($0)) }
        let summaries = RAGRun.summarize(predictions, conditions: labels.map(\.1))
        var differences: [(String, PairedDifference)] = []
        if run.conditions.contains(.closed) {
            for c in run.conditions where c != .closed {
                differences.append(("\(c.rawValue)-closed", RAGRun.difference(predictions, first: "closed", second: run.label(c))))
            }
        }
        return RAGSummary(conditions: zip(labels, summaries).map { ($0.0, $0.1, $1.1) }, differences: differences,
                          skippedWithoutAnswer: skipped, completionTokens: predictions.map(\.completionTokens).reduce(0, +),
                          emptyOrUnparsed: predictions.filter { $0.extracted == nil }.count, wallSeconds: wallSeconds)
    }

    /// `{"conditions": {"closed": {"accuracy": .., "n": ..}, ...}, "difference": {"open-closed": {...}}, ...}`.
    public func json() throws -> String {
        var conditionsObject: [String: Any] = [:]
        for c in conditions {
            conditionsObject[c.name] = ["accuracy": c.summary.accuracy, "n": c.summary.n, "correct": c.summary.correct, "label": c.label,
                                        "by_answer_type": Dictionary(uniqueKeysWithValues: c.summary.byCategory.map { ($0.category, ["accuracy": $0.accuracy, "n": $0.n] as [String: Any]) })]
        }
        var differenceObject: [String: Any] = [:]
        for d in differences {
            differenceObject[d.name] = ["difference": d.value.difference, "ci95": [d.value.lower, d.value.upper],
                                        "mcnemar_p": d.value.mcnemarP, "only_closed_right": d.value.onlyFirst,
                                        "only_other_right": d.value.onlySecond, "n": d.value.n]
        }
        let object: [String: Any] = ["conditions": conditionsObject, "difference": differenceObject,
                                     "skipped_without_answer": skippedWithoutAnswer, "completion_tokens": completionTokens,
                                     "no_answer_extracted": emptyOrUnparsed, "wall_seconds": wallSeconds]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A plain-text table.
    public func table() -> String {
        var lines = ["condition              accuracy      n"]
        for c in conditions {
            lines.append(String(format: "%-22@ %8.4f %6d", c.label as NSString, c.summary.accuracy, c.summary.n))
        }
        for d in differences {
            lines.append(String(format: "%@: %+.4f, 95%% CI [%+.4f, %+.4f], McNemar p = %.4g (b=%d, c=%d)", d.name as NSString,
                                d.value.difference, d.value.lower, d.value.upper, d.value.mcnemarP, d.value.onlyFirst, d.value.onlySecond))
        }
        lines.append("tokens generated \(completionTokens), no answer extracted \(emptyOrUnparsed), skipped without answer \(skippedWithoutAnswer)")
        return lines.joined(separator: "\n")
    }
}

/// A predictions file for `reasonir rag score`: `{"id": ..., "prediction": "..."}` per line.
public enum PredictionFile {
    public struct Row: Sendable { public var id: String; public var prediction: String?; public var line: Int }

    public static func load(_ url: URL) throws -> [Row] {
        let data = try Data(contentsOf: url)
        var rows: [Row] = []
        var number = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if raw.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] else {
                throw RAGInputError(file: url.path, line: number, field: "(line)", reason: "not a JSON object")
            }
            guard let id = object["id"] as? String ?? object["_id"] as? String else {
                throw RAGInputError(file: url.path, line: number, field: "id", reason: "missing or not a string")
            }
            let value = object["prediction"]
            if value != nil, !(value is String), !(value is NSNull) {
                throw RAGInputError(file: url.path, line: number, field: "prediction", reason: "not a string or null")
            }
            rows.append(Row(id: id, prediction: value as? String, line: number))
        }
        return rows
    }
}

extension RAGScoring {
    /// Scores an already-extracted prediction (TheoremQA's `prediction` field; a letter or text for multiple choice).
    public static func scorePrediction(_ prediction: String?, gold: RAGGold) -> Bool {
        switch gold {
        case .theoremQA(let answer, let type): return TheoremQAScorer.isCorrect(prediction: prediction, answer: answer, type: type)
        case .letter(let letter, let options):
            return prediction.flatMap { MultipleChoice.extractLetter($0, optionCount: options.count) } == letter
        }
    }
}
