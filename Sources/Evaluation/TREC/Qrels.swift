import Foundation
import Retrieval

/// Relevance judgments: query id → document id → relevance grade. A grade of 1 or more counts as
/// relevant (trec_eval's `relevance_level` 1); 0 is judged non-relevant; a negative grade is
/// judged "unjudged" by trec_eval and counts as neither.
public typealias Qrels = [String: [String: Int]]

/// The two text layouts of judgments.
public enum QrelsFormat: String, Sendable, CaseIterable {
    /// BEIR: `query-id<TAB>corpus-id<TAB>score`, with a header row.
    case beirTSV
    /// TREC: `qid iteration docid relevance`, whitespace-separated, no header. Document ids may
    /// contain spaces: the docid is every field between the second and the last.
    case trec
}

/// Reading judgments from BEIR tsv or TREC qrels files.
public enum QrelsFile {
    /// Guesses the layout from the first non-blank line: three tab-separated columns are BEIR's
    /// tsv, anything else is TREC qrels.
    public static func detectFormat(of url: URL) throws(EvaluationError) -> QrelsFormat {
        let path = url.path
        var lines = try LineReader.open(url).makeIterator()
        while let line = try lines.nextChecked() {
            let text = try line.text(path: path)
            if text.allSatisfy(\.isWhitespace) { continue }
            return text.split(separator: "\t", omittingEmptySubsequences: false).count == 3 ? .beirTSV : .trec
        }
        return .beirTSV
    }

    /// Reads a qrels file; `format` nil detects it. For BEIR tsv, the first row is skipped as a
    /// header unless its score column is an integer. A judgment given twice keeps the last grade.
    public static func read(from url: URL, format formatOrNil: QrelsFormat? = nil) throws(EvaluationError) -> Qrels {
        let format: QrelsFormat
        if let given = formatOrNil { format = given } else { format = try detectFormat(of: url) }
        let path = url.path
        var qrels: Qrels = [:]
        var sawFirstRow = false
        var lines = try LineReader.open(url).makeIterator()
        while let line = try lines.nextChecked() {
            let text = try line.text(path: path)
            if text.allSatisfy(\.isWhitespace) { continue }
            let isFirstRow = !sawFirstRow
            sawFirstRow = true
            switch format {
            case .beirTSV:
                let columns = text.split(separator: "\t", omittingEmptySubsequences: false)
                if isFirstRow, columns.count >= 3, integer(columns[2]) == nil { continue }  // header
                guard columns.count >= 3 else {
                    throw .malformedLine(
                        path: path, line: line.number,
                        reason: "expected 3 tab-separated columns (query-id, corpus-id, score), found \(columns.count)")
                }
                guard let grade = integer(columns[2]) else {
                    throw .invalidField(
                        path: path, line: line.number, field: "score", expected: "an integer", found: "\"\(columns[2])\"")
                }
                qrels[String(columns[0]), default: [:]][String(columns[1])] = grade
            case .trec:
                let fields = whitespaceFields(text)
                guard fields.count >= 4 else {
                    throw .malformedLine(
                        path: path, line: line.number,
                        reason: "expected 4 fields (qid iteration docid relevance), found \(fields.count)")
                }
                guard let grade = Int(fields[fields.count - 1]) else {
                    throw .invalidField(
                        path: path, line: line.number, field: "relevance", expected: "an integer",
                        found: "\"\(fields[fields.count - 1])\"")
                }
                let docID = joinedWithSpaces(fields[2..<(fields.count - 1)])
                qrels[fields[0], default: [:]][docID] = grade
            }
        }
        return qrels
    }

    /// Python's `int()` of a column: surrounding whitespace allowed.
    private static func integer(_ text: Substring) -> Int? {
        Int(text.trimmingCharacters(in: .whitespaces))
    }
}
