import Foundation
import JSON
import LLM

/// Finds background documents for a question (a BM25 or dense index, a hybrid, with rewriting or
/// reranking: whatever the caller wires in).
public protocol RAGRetriever: Sendable {
    /// The top `k` documents for `question`, best first.
    func retrieve(_ question: RAGQuestion, k: Int) async throws -> [RAGDocument]
}

/// One answered question under one condition: a line of the predictions JSONL.
public struct RAGPrediction: Sendable, Equatable, Codable {
    public var id: String
    public var condition: String
    public var category: String
    public var retrieved: [String]
    public var output: String
    public var extracted: String?
    public var correct: Bool
    public var completionTokens: Int
}

/// Why a run cannot go on.
public struct RAGRunError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Accuracy of one condition, overall and per answer type.
public struct RAGConditionSummary: Sendable, Equatable {
    public var accuracy: Double
    public var n: Int
    public var correct: Int
    public var byCategory: [(category: String, accuracy: Double, n: Int)]
    public static func == (a: Self, b: Self) -> Bool { a.accuracy == b.accuracy && a.n == b.n && a.correct == b.correct }
}

/// The run loop: every (question, condition) generated once, journaled as it finishes, so a killed
/// run resumes where it stopped and asks the model for nothing twice.
public struct RAGRun: Sendable {
    public var questions: [RAGQuestion]
    public var conditions: [RAGCondition]
    public var k: Int
    public var retriever: (any RAGRetriever)?
    /// Gold document ids per question id and the texts by id (the oracle condition).
    public var oracle: [String: [RAGDocument]]
    public var options: ChatOptions
    public var maxDocumentCharacters: Int
    /// Names the retriever in the journal's condition labels, so open answers of another retriever or k are kept apart.
    public var retrieverName = "retriever"

    /// The journal's name for `condition`: closed answers are shared by every k and retriever.
    public func label(_ condition: RAGCondition) -> String {
        switch condition {
        case .closed: return "closed"
        case .open: return "open:\(retrieverName):k\(k)"
        case .oracle: return "oracle:k\(k)"
        }
    }

    public init(questions: [RAGQuestion], conditions: [RAGCondition], k: Int, retriever: (any RAGRetriever)?,
                oracle: [String: [RAGDocument]], options: ChatOptions, maxDocumentCharacters: Int = 1500) {
        self.questions = questions; self.conditions = conditions; self.k = k; self.retriever = retriever
        self.oracle = oracle; self.options = options; self.maxDocumentCharacters = maxDocumentCharacters
    }

    /// Checks before any generation that every condition has what it needs.
    public func validate() throws {
        if conditions.contains(.open) && retriever == nil {
            throw RAGRunError("the open condition needs documents: give --corpus/--index and a retriever (or drop --condition open)")
        }
        if conditions.contains(.oracle) {
            let missing = questions.filter { (oracle[$0.id] ?? []).isEmpty }.map(\.id)
            if !missing.isEmpty {
                throw RAGRunError("the oracle condition needs gold documents (qrels with a document in the corpus); \(missing.count) question(s) have none, first: \(missing.prefix(5).joined(separator: ", "))")
            }
        }
        if k < 1 { throw RAGRunError("--k must be at least 1") }
    }

    /// Answers everything not yet in `journal` (predictions JSONL, appended and synced line by
    /// line) and returns all predictions, journaled ones included, in question order.
    public func run(model: any ChatModel, journal: URL, progress: (@Sendable (Int, Int, Int) -> Void)? = nil) async throws -> [RAGPrediction] {
        try validate()
        var done = try Self.readJournal(journal)
        let pending = conditions.flatMap { c in questions.filter { done[Self.key($0.id, label(c))] == nil }.map { ($0, c) } }
        let handle = try Self.openForAppend(journal)
        defer { try? handle.close() }
        var tokens = 0
        progress?(0, pending.count, 0)  // starts the clock, so rate and ETA are per answer
        for (index, (question, condition)) in pending.enumerated() {
            try Task.checkCancellation()
            let documents: [RAGDocument]
            switch condition {
            case .closed: documents = []
            case .open: documents = try await retriever!.retrieve(question, k: k)
            case .oracle: documents = Array((oracle[question.id] ?? []).prefix(max(k, 1)))
            }
            let messages = RAGPrompt.messages(for: question, documents: documents, maxDocumentCharacters: maxDocumentCharacters)
            let completion = try await model.complete(messages, options: options)
            let (extracted, correct) = RAGScoring.score(output: completion.content, gold: question.gold)
            let prediction = RAGPrediction(id: question.id, condition: label(condition), category: RAGScoring.category(question.gold),
                                           retrieved: documents.map(\.id), output: completion.content, extracted: extracted,
                                           correct: correct, completionTokens: completion.usage?.completionTokens ?? 0)
            tokens += prediction.completionTokens
            var line = try JSONEncoder.sorted.encode(prediction)
            line.append(UInt8(ascii: "\n"))
            try handle.write(contentsOf: line)
            try handle.synchronize()
            done[Self.key(question.id, label(condition))] = prediction
            progress?(index + 1, pending.count, tokens)
        }
        return conditions.flatMap { c in questions.compactMap { done[Self.key($0.id, label(c))] } }
    }

    static func key(_ id: String, _ condition: String) -> String { condition + "\u{1F}" + id }

    /// The journal's complete lines; a torn last line (a kill mid-write) is dropped and rewritten.
    static func readJournal(_ url: URL) throws -> [String: RAGPrediction] {
        guard let data = try? Data(contentsOf: url) else { return [:] }
        var result: [String: RAGPrediction] = [:]
        var goodLength = 0
        var offset = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let end = offset + raw.count
            defer { offset = end + 1 }
            guard end < data.count else { break }  // no newline: torn
            guard let p = try? JSONDecoder().decode(RAGPrediction.self, from: Data(raw)) else {
                throw RAGRunError("\(url.path): a journal line at byte \(offset) is not a prediction; move the file away to start over")
            }
            result[key(p.id, p.condition)] = p
            goodLength = end + 1
        }
        if goodLength < data.count {
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(goodLength))
            try handle.close()
        }
        return result
    }

    static func openForAppend(_ url: URL) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return handle
    }

    /// Accuracy per condition (over `conditions`, in order).
    public static func summarize(_ predictions: [RAGPrediction], conditions: [String]) -> [(String, RAGConditionSummary)] {
        conditions.map { c in
            let rows = predictions.filter { $0.condition == c }
            let right = rows.filter(\.correct).count
            var categories: [String] = []
            for r in rows where !categories.contains(r.category) { categories.append(r.category) }
            let by = categories.sorted().map { cat -> (category: String, accuracy: Double, n: Int) in
                let sub = rows.filter { $0.category == cat }
                return (cat, Double(sub.filter(\.correct).count) / Double(sub.count), sub.count)
            }
            return (c, RAGConditionSummary(accuracy: rows.isEmpty ? 0 : Double(right) / Double(rows.count), n: rows.count, correct: right, byCategory: by))
        }
    }

    /// The paired difference `second − first` on the questions both answered.
    public static func difference(_ predictions: [RAGPrediction], first: String, second: String) -> PairedDifference {
        var a: [String: Bool] = [:]
        for p in predictions where p.condition == first { a[p.id] = p.correct }
        var xs: [Bool] = [], ys: [Bool] = []
        for p in predictions where p.condition == second { if let x = a[p.id] { xs.append(x); ys.append(p.correct) } }
        return PairedStatistics.compare(xs, ys)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

extension RAGRun {
    /// How many complete answers `journal` holds (0 when there is none yet).
    public static func journaledCount(_ journal: URL) throws -> Int { try readJournal(journal).count }
}
