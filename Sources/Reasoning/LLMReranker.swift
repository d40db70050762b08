import Foundation
import LLM
import Retrieval

/// LLM reranking as ReasonIR does it (`evaluation/bright/reranker.py`): each of a query's top
/// `depth` documents (100 by default) is shown to the model on its own with a prompt asking for
/// "Relevance score: X" on 0–5 (`RerankPrompt`), as raw text or as a chat (`RerankLLM`; ReasonIR
/// sends raw text). The score is X/5, −1 when what follows the
/// marker is not a number, 0 when the marker is missing. The final score is
/// `rerankWeight · llm + retrieverWeight · normalised retriever score` (0.5 and 0.5; see
/// `ScoreNormalization` for the retriever's scale).
///
/// Documents below `depth` keep their order after the reranked ones, with scores below all of
/// theirs (ReasonIR drops them; keeping them leaves recall at deeper cuts as the retriever had it).
public struct LLMReranker: Sendable {
    public var model: RerankLLM
    public var prompt: RerankPrompt
    public var depth: Int
    public var rerankWeight: Double
    public var retrieverWeight: Double
    public var normalization: ScoreNormalization
    /// ReasonIR samples at temperature 0.6, top-p 0.9, at most 32 tokens (it also asks vLLM for
    /// 10 log-probabilities, which it never reads).
    public var options: ChatOptions
    /// Scoring calls in flight at once (the client may bound requests further).
    public var maxConcurrentCalls: Int
    /// Documents longer than this many characters are cut before they go into the prompt.
    public var maxDocumentCharacters: Int?

    public init(model: RerankLLM, prompt: RerankPrompt = .general, depth: Int = 100, rerankWeight: Double = 0.5,
                retrieverWeight: Double = 0.5, normalization: ScoreNormalization = .minMax,
                options: ChatOptions = ChatOptions(temperature: 0.6, topP: 0.9, maxTokens: 32),
                maxConcurrentCalls: Int = 8, maxDocumentCharacters: Int? = nil) {
        self.model = model
        self.prompt = prompt
        self.depth = max(1, depth)
        self.rerankWeight = rerankWeight
        self.retrieverWeight = retrieverWeight
        self.normalization = normalization
        self.options = options
        self.maxConcurrentCalls = max(1, maxConcurrentCalls)
        self.maxDocumentCharacters = maxDocumentCharacters
    }

    /// What ReasonIR reads from an answer: the two characters after the last "Relevance score:",
    /// as a number, divided by 5; −1 when they are not a number, 0 when there is no marker.
    public static func relevance(from answer: String) -> Double {
        let scalars = Array(answer.unicodeScalars)
        let marker = Array("Relevance score:".unicodeScalars)
        guard scalars.count >= marker.count else { return 0 }
        var position: Int?
        for start in stride(from: scalars.count - marker.count, through: 0, by: -1)
        where scalars[start..<(start + marker.count)].elementsEqual(marker) {
            position = start
            break
        }
        guard let position else { return 0 }
        let from = min(position + marker.count, scalars.count)
        let to = min(from + 2, scalars.count)
        var field = String.UnicodeScalarView()
        field.append(contentsOf: scalars[from..<to])
        guard let value = pythonFloat(String(field)) else { return -1 }
        return value / 5
    }

    /// Python's `float(text)` for the short fields above: surrounding whitespace ignored, a sign,
    /// digits with an optional point ("4", "4.", ".5", "+3"); nil for anything else.
    static func pythonFloat(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var sawDigit = false, sawPoint = false
        for (offset, character) in trimmed.enumerated() {
            switch character {
            case "+" where offset == 0, "-" where offset == 0: continue
            case "0"..."9": sawDigit = true
            case "." where !sawPoint: sawPoint = true
            default: return nil
            }
        }
        return sawDigit ? Double(trimmed.hasSuffix(".") ? trimmed + "0" : trimmed) : nil
    }

    /// The prompt for one (query, document) pair, the document cut to `maxDocumentCharacters`.
    /// In the chat format it is the user's message, alone.
    public func promptText(query: String, document: String) -> String {
        var text = document
        if let limit = maxDocumentCharacters, text.count > limit { text = String(text.prefix(limit)) }
        return prompt.render(query: query, document: text)
    }

    /// The LLM's score of one document for one query (see `relevance(from:)`).
    public func score(query: String, document: String) async throws -> Double {
        Self.relevance(from: try await model.answer(promptText(query: query, document: document), options: options))
    }

    /// Reranks each query's ranking. `documentText` gives a document's text by id.
    public func rerank(queries: [String], rankings: [[ScoredDocument]],
                       documentText: @escaping @Sendable (String) -> String?,
                       progress: any ProgressReporter = SilentProgress()) async throws -> RerankResult {
        precondition(queries.count == rankings.count, "one ranking per query")
        struct Job: Sendable {
            var query: Int
            var position: Int
            var documentID: String
        }
        var jobs: [Job] = []
        for (query, ranking) in rankings.enumerated() {
            for (position, document) in ranking.prefix(depth).enumerated() {
                jobs.append(Job(query: query, position: position, documentID: document.id))
            }
        }
        for job in jobs where documentText(job.documentID) == nil {
            throw ReasoningError.missingDocument(id: job.documentID)
        }
        let answers = try await boundedMap(jobs, limit: maxConcurrentCalls, progress: progress,
                                           task: "reranking (LLM)", unit: "calls") { [self] job in
            try await model.answer(promptText(query: queries[job.query], document: documentText(job.documentID) ?? ""),
                                   options: options)
        }
        var llmScores = rankings.map { [Double](repeating: 0, count: min(depth, $0.count)) }
        var result = RerankResult()
        for (job, answer) in zip(jobs, answers) {
            let score = Self.relevance(from: answer)
            llmScores[job.query][job.position] = score
            result.calls += 1
            if score == -1 { result.unparseable += 1 }
            if !answer.contains("Relevance score:") { result.missingMarker += 1 }
        }
        result.rankings = zip(rankings, llmScores).map { fuse(ranking: $0, llmScores: $1) }
        result.llmScores = zip(rankings, llmScores).map { ranking, scores in
            Dictionary(zip(ranking.prefix(scores.count).map(\.id), scores), uniquingKeysWith: { first, _ in first })
        }
        return result
    }

    /// Reranks one query's ranking.
    public func rerank(query: String, ranking: [ScoredDocument],
                       documentText: @escaping @Sendable (String) -> String?) async throws -> [ScoredDocument] {
        try await rerank(queries: [query], rankings: [ranking], documentText: documentText).rankings[0]
    }

    /// Mixes the LLM's scores of the top documents with their retriever scores and sorts them
    /// (ties keep the retriever's order); the rest follow in their order, scored below.
    public func fuse(ranking: [ScoredDocument], llmScores: [Double]) -> [ScoredDocument] {
        let head = Array(ranking.prefix(llmScores.count))
        let retriever = normalization.apply(head.map(\.score))
        let fused = head.indices.map { i in
            (position: i, document: ScoredDocument(id: head[i].id,
                                                   score: rerankWeight * llmScores[i] + retrieverWeight * retriever[i]))
        }
        var result = fused.sorted { $0.document.score != $1.document.score ? $0.document.score > $1.document.score
                                                                             : $0.position < $1.position }.map(\.document)
        let floor = result.last?.score ?? 0
        for (offset, document) in ranking.dropFirst(head.count).enumerated() {
            result.append(ScoredDocument(id: document.id, score: floor - Double(offset + 1)))
        }
        return result
    }
}

/// Rerankings and what the LLM said.
public struct RerankResult: Sendable {
    /// Per query, the reranked documents, best first.
    public var rankings: [[ScoredDocument]] = []
    /// Per query, the LLM score of each reranked document.
    public var llmScores: [[String: Double]] = []
    /// Scoring calls made (answers from the cache included).
    public var calls = 0
    /// Answers whose score after the marker was not a number (scored −1).
    public var unparseable = 0
    /// Answers without "Relevance score:" (scored 0).
    public var missingMarker = 0
}

/// Errors of query rewriting and reranking; the LLM's own errors pass through as `LLMError`.
public enum ReasoningError: Error, CustomStringConvertible, Equatable {
    case missingDocument(id: String)

    public var description: String {
        switch self {
        case .missingDocument(let id):
            return "document '\(id)' is in a ranking to rerank but not in the corpus: rerank against the corpus the run came from"
        }
    }
}
