import Foundation
import Retrieval

/// TREC run files: one line per retrieved document, `qid Q0 docid rank score tag`.
///
/// Reading follows the Python convention that BRIGHT's tooling uses: fields are split on
/// whitespace and the document id is every field between the second and the last three
/// (`' '.join(parts[2:-3])`), so ids that contain spaces survive. Ranks are checked but not used;
/// scores are the doubles written in the file. A document listed twice for a query keeps its
/// first position and its last score, as when the lines are loaded into a Python dict.
extension Run {
    /// Reads a TREC run file.
    public static func read(from url: URL) throws(EvaluationError) -> Run {
        let path = url.path
        var run = Run()
        var currentQuery = ""
        var currentRanking: [ScoredDocument] = []
        var currentPositions: [String: Int] = [:]

        func flush() {
            guard !currentQuery.isEmpty else { return }
            run.setRanking(currentRanking, for: currentQuery)
        }

        var lines = try LineReader.open(url).makeIterator()
        while let line = try lines.nextChecked() {
            let text = try line.text(path: path)
            let fields = whitespaceFields(text)
            if fields.isEmpty { continue }
            guard fields.count >= 6 else {
                throw .malformedLine(
                    path: path, line: line.number,
                    reason: "expected 6 fields (qid Q0 docid rank score tag), found \(fields.count)")
            }
            let n = fields.count
            guard Int(fields[n - 3]) != nil else {
                throw .invalidField(
                    path: path, line: line.number, field: "rank", expected: "an integer", found: "\"\(fields[n - 3])\"")
            }
            guard let score = Double(fields[n - 2]), !score.isNaN else {
                throw .invalidField(
                    path: path, line: line.number, field: "score", expected: "a number", found: "\"\(fields[n - 2])\"")
            }
            let queryID = fields[0]
            if queryID != currentQuery {
                // A query's lines are usually contiguous; when a query comes back, resume its ranking.
                flush()
                currentQuery = queryID
                currentRanking = run[queryID] ?? []
                currentPositions = Dictionary(
                    currentRanking.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            }
            let document = ScoredDocument(id: joinedWithSpaces(fields[2..<(n - 3)]), score: score)
            if let position = currentPositions[document.id] {
                currentRanking[position].score = score
            } else {
                currentPositions[document.id] = currentRanking.count
                currentRanking.append(document)
            }
        }
        flush()
        return run
    }

    /// Writes the run as a TREC file, ranks 1, 2, … in each query's stored order, scores in their
    /// shortest round-trip form (as Python's `repr`). The file is written to a temporary sibling and
    /// renamed over `url`, so readers never see half a file.
    public func write(to url: URL, tag: String = "reasonir") throws(EvaluationError) {
        let path = url.path
        guard isOneWord(tag) else {
            throw .cannotWrite(path: path, reason: "the run tag \"\(tag)\" must be one word without whitespace")
        }
        try AtomicFileWriter.write(to: url) { (emit: (String) throws(EvaluationError) -> Void) throws(EvaluationError) in
            for queryID in queryIDs {
                guard isOneWord(queryID) else {
                    throw .cannotWrite(path: path, reason: "query id \"\(queryID)\" must be one word without whitespace")
                }
                for (index, document) in (self[queryID] ?? []).enumerated() {
                    // The id must read back unchanged: no leading, trailing or repeated whitespace.
                    guard !document.id.isEmpty,
                          joinedWithSpaces(whitespaceFields(document.id)[...]) == document.id
                    else {
                        throw .cannotWrite(
                            path: path,
                            reason: "document id \"\(document.id)\" of query \(queryID) cannot be written to a TREC run: it is empty or has whitespace other than single spaces")
                    }
                    guard !document.score.isNaN else {
                        throw .cannotWrite(path: path, reason: "document \(document.id) of query \(queryID) has a NaN score")
                    }
                    try emit("\(queryID) Q0 \(document.id) \(index + 1) \(document.score) \(tag)\n")
                }
            }
        }
    }
}

/// True when `text` reads back as exactly one whitespace-separated field.
private func isOneWord(_ text: String) -> Bool {
    let fields = whitespaceFields(text)
    return fields.count == 1 && fields[0] == text
}
