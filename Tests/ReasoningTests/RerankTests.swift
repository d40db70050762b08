import Foundation
import LLM
import Retrieval
import Testing
@testable import Reasoning

/// A model that answers from a script, as a chat or raw text, and counts calls, how many ran at
/// once, and the raw prompts it got.
final class ScriptedChatModel: ChatModel, TextCompletionModel {
    private let answer: @Sendable ([ChatMessage]) -> String
    private let delay: Duration
    private let counters = Counters()

    actor Counters {
        var calls = 0
        var inFlight = 0
        var maxInFlight = 0
        var lastOptions: ChatOptions?
        var rawPrompts: [String] = []
        func raw(_ prompt: String) { rawPrompts.append(prompt) }
        func begin(_ options: ChatOptions) {
            calls += 1
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            lastOptions = options
        }
        func end() { inFlight -= 1 }
    }

    init(delay: Duration = .zero, answer: @escaping @Sendable ([ChatMessage]) -> String) {
        self.answer = answer
        self.delay = delay
    }

    func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
        await counters.begin(options)
        if delay > .zero { try await Task.sleep(for: delay) }
        await counters.end()
        return ChatCompletion(content: answer(messages))
    }

    /// A raw prompt is answered as if it were the one user message.
    func complete(prompt: String, options: ChatOptions) async throws -> ChatCompletion {
        await counters.raw(prompt)
        return try await complete([.user(prompt)], options: options)
    }

    var calls: Int { get async { await counters.calls } }
    var maxInFlight: Int { get async { await counters.maxInFlight } }
    var lastOptions: ChatOptions? { get async { await counters.lastOptions } }
    var rawPrompts: [String] { get async { await counters.rawPrompts } }
}

@Suite struct RelevanceParsingTests {
    /// ReasonIR: `float(out[pos+16:pos+18]) / 5` after the last "Relevance score:", −1 when
    /// that fails, 0 without the marker.
    @Test(arguments: [
        ("Relevance score: 4.", 0.8),
        ("Relevance score: 5", 1.0),
        ("Relevance score:3.", 0.6),
        ("Relevance score: 0.", 0.0),
        ("Relevance score: 3.5", 0.6),  // two characters only: " 3"
        ("Relevance score: 10.", 0.2),  // " 1"
        ("Relevance score: .5", -1.0),  // float(" .") raises
        ("Relevance score: X.", -1.0),
        ("Relevance score: **4**", -1.0),
        ("Relevance score:", -1.0),
        ("I think it is relevant.", 0.0),
        ("", 0.0),
        ("Relevance score: 1. Wait. Relevance score: 4.", 0.8),
        ("relevance score: 4", 0.0),  // the marker is case-sensitive
        ("Relevance score:\n2", 0.4),
        ("Relevance score: -1", -1.0),  // " -" is not a number
    ])
    func parse(answer: String, expected: Double) {
        #expect(LLMReranker.relevance(from: answer) == expected, "\(answer)")
    }

    @Test func pythonFloatOfShortFields() {
        #expect(LLMReranker.pythonFloat("4.") == 4)
        #expect(LLMReranker.pythonFloat(".5") == 0.5)
        #expect(LLMReranker.pythonFloat("+3") == 3)
        #expect(LLMReranker.pythonFloat("-1") == -1)
        #expect(LLMReranker.pythonFloat(" 7\n") == 7)
        #expect(LLMReranker.pythonFloat(".") == nil)
        #expect(LLMReranker.pythonFloat("1e") == nil)
        #expect(LLMReranker.pythonFloat("") == nil)
        #expect(LLMReranker.pythonFloat("4-") == nil)
        #expect(LLMReranker.pythonFloat("4+") == nil)
    }
}

@Suite struct FusionTests {
    let ranking = [ScoredDocument(id: "a", score: 30), ScoredDocument(id: "b", score: 20), ScoredDocument(id: "c", score: 10),
                   ScoredDocument(id: "d", score: 5), ScoredDocument(id: "e", score: 1)]

    func reranker(_ normalization: ScoreNormalization = .minMax, rerankWeight: Double = 0.5, retrieverWeight: Double = 0.5)
        -> LLMReranker
    {
        LLMReranker(model: .chat(ScriptedChatModel { _ in "" }), depth: 3, rerankWeight: rerankWeight, retrieverWeight: retrieverWeight,
                    normalization: normalization)
    }

    @Test func normalisations() {
        #expect(ScoreNormalization.minMax.apply([30, 20, 10]) == [1, 0.5, 0])
        #expect(ScoreNormalization.minMax.apply([4, 4]) == [1, 1])
        #expect(ScoreNormalization.max.apply([30, 15]) == [1, 0.5])
        #expect(ScoreNormalization.none.apply([30, 15]) == [30, 15])
        #expect(ScoreNormalization.minMax.apply([]) == [])
    }

    @Test func halfRerankHalfRetriever() {
        // Min-max over a, b, c: 1, 0.5, 0. LLM: 0, 0.4, 1. Final: 0.5, 0.45, 0.5 → a and c tie; a came first.
        let fused = reranker().fuse(ranking: ranking, llmScores: [0, 0.4, 1])
        #expect(fused.map(\.id) == ["a", "c", "b", "d", "e"])
        #expect(fused.prefix(3).map(\.score) == [0.5, 0.5, 0.45])
        // The rest keep their order, below every reranked document.
        #expect(fused[3].score < fused[2].score && fused[4].score < fused[3].score)
    }

    @Test func weightsAreSettable() {
        let llmOnly = reranker(rerankWeight: 1, retrieverWeight: 0).fuse(ranking: ranking, llmScores: [0, 0.4, 1])
        #expect(llmOnly.prefix(3).map(\.id) == ["c", "b", "a"])
        let retrieverOnly = reranker(rerankWeight: 0, retrieverWeight: 1).fuse(ranking: ranking, llmScores: [0, 0.4, 1])
        #expect(retrieverOnly.map(\.id) == ["a", "b", "c", "d", "e"])
    }

    @Test func rawScoresAsReasonIR() {
        // Unnormalised BM25 scores swamp the LLM's 0-1: the order stays the retriever's.
        let fused = reranker(.none).fuse(ranking: ranking, llmScores: [0, 0.4, 1])
        #expect(fused.map(\.id) == ["a", "b", "c", "d", "e"])
        #expect(fused[0].score == 15)
    }

    @Test func unparseableSinksBelowMissingMarker() {
        let fused = reranker(rerankWeight: 1, retrieverWeight: 0).fuse(ranking: ranking, llmScores: [-1, 0, 0.2])
        #expect(fused.prefix(3).map(\.id) == ["c", "b", "a"])
    }
}

@Suite struct RerankerTests {
    static let documents = ["d1": "about cats", "d2": "about dogs", "d3": "about cats and dogs", "d4": "about fish"]

    /// Scores by content: cats 5, dogs 2, fish: no marker.
    static let model = ScriptedChatModel(delay: .milliseconds(5)) { messages in
        let prompt = messages.last!.content
        let document = prompt.components(separatedBy: "<start_document>\n").last!
        if document.hasPrefix("about cats") { return "Relevance score: 5." }
        if document.hasPrefix("about dogs") { return "Relevance score: 2." }
        return "The passage is about fish."
    }

    @Test func reranksTheTopAndCountsAnswers() async throws {
        let reranker = LLMReranker(model: .chat(Self.model), depth: 3, maxConcurrentCalls: 2)
        let ranking = [ScoredDocument(id: "d2", score: 9), ScoredDocument(id: "d4", score: 8),
                       ScoredDocument(id: "d1", score: 7), ScoredDocument(id: "d3", score: 6)]
        let result = try await reranker.rerank(queries: ["cats?"], rankings: [ranking],
                                               documentText: { Self.documents[$0] })
        // LLM 0.4, 0, 1 ; min-max retriever 1, 0.5, 0 → 0.7, 0.25, 0.5.
        #expect(result.rankings[0].map(\.id) == ["d2", "d1", "d4", "d3"])
        #expect(result.llmScores[0] == ["d2": 0.4, "d4": 0, "d1": 1])
        #expect(result.calls == 3 && result.missingMarker == 1 && result.unparseable == 0)
        #expect(await Self.model.maxInFlight <= 2)
        let options = try #require(await Self.model.lastOptions)
        #expect(options.temperature == 0.6 && options.topP == 0.9 && options.maxTokens == 32)
    }

    @Test func manyQueriesAtBoundedConcurrency() async throws {
        let model = ScriptedChatModel(delay: .milliseconds(10)) { _ in "Relevance score: 3." }
        let reranker = LLMReranker(model: .chat(model), depth: 4, maxConcurrentCalls: 3)
        let ranking = Self.documents.keys.sorted().enumerated().map { ScoredDocument(id: $1, score: Double(10 - $0)) }
        let result = try await reranker.rerank(queries: Array(repeating: "q", count: 5), rankings: Array(repeating: ranking, count: 5),
                                               documentText: { Self.documents[$0] })
        #expect(await model.calls == 20)
        #expect((1...3).contains(await model.maxInFlight))
        // Equal LLM scores: the retriever's order stands.
        #expect(result.rankings.allSatisfy { $0.map(\.id) == ranking.map(\.id) })
    }

    /// ReasonIR's way: the prompt goes out as the whole raw text, nothing around it, and the
    /// answer is read as in the chat format.
    @Test func rawFormatSendsThePromptTextAlone() async throws {
        let model = ScriptedChatModel { messages in
            messages.last!.content.hasSuffix("<start_document>\nabout cats\n<end_document>\n") ? "Relevance score: 5." : "Relevance score: 1."
        }
        let reranker = LLMReranker(model: .raw(model), prompt: .general, depth: 2, rerankWeight: 1, retrieverWeight: 0,
                                   maxConcurrentCalls: 1)
        #expect(reranker.model.format == .raw)
        let ranking = [ScoredDocument(id: "d2", score: 2), ScoredDocument(id: "d1", score: 1)]
        let result = try await reranker.rerank(queries: ["cats?"], rankings: [ranking], documentText: { Self.documents[$0] })
        #expect(await model.rawPrompts == ["d2", "d1"].map { RerankPrompt.general.render(query: "cats?", document: Self.documents[$0]!) })
        #expect(result.llmScores[0] == ["d1": 1, "d2": 0.2])
        #expect(result.rankings[0].map(\.id) == ["d1", "d2"])
    }

    @Test func longDocumentsAreCut() {
        let reranker = LLMReranker(model: .chat(Self.model), maxDocumentCharacters: 5)
        #expect(reranker.promptText(query: "q", document: "0123456789").contains("<start_document>\n01234\n<end_document>"))
    }

    @Test func aDocumentMissingFromTheCorpusIsAnError() async {
        let reranker = LLMReranker(model: .chat(Self.model), depth: 2)
        await #expect(throws: ReasoningError.missingDocument(id: "nope")) {
            try await reranker.rerank(queries: ["q"], rankings: [[ScoredDocument(id: "nope", score: 1)]], documentText: { _ in nil })
        }
    }

    @Test func llmErrorsPassThrough() async {
        struct Failing: ChatModel {
            func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
                throw LLMError.httpStatus(url: "http://x/v1/chat/completions", status: 500, body: "", attempts: 5)
            }
        }
        let reranker = LLMReranker(model: .chat(Failing()))
        await #expect(throws: LLMError.self) {
            try await reranker.rerank(query: "q", ranking: [ScoredDocument(id: "d1", score: 1)], documentText: { Self.documents[$0] })
        }
    }
}

@Suite struct RewriterTests {
    @Test func sendsBRIGHTsChatAndReturnsTheAnswer() async throws {
        let model = ScriptedChatModel { messages in
            #expect(messages.count == 2)
            #expect(messages[0] == .system("You are a helpful assistant"))
            #expect(messages[1].content.hasPrefix("Why do cats purr?\n\nInstructions:\n1. Identify the essential problem."))
            return "  The essential problem is purring.\n"
        }
        let rewriter = QueryRewriter(model: model, tokenBudget: 64)
        #expect(try await rewriter.rewrite("Why do cats purr?") == "The essential problem is purring.")
        let options = try #require(await model.lastOptions)
        #expect(options.temperature == 0.8 && options.topP == 0.8 && options.maxTokens == 64)
        #expect(QueryRewriter(model: model).options.maxTokens == 2048)
    }

    @Test func anEmptyAnswerKeepsTheQuery() async throws {
        let rewriter = QueryRewriter(model: ScriptedChatModel { _ in " \n" })
        #expect(try await rewriter.rewrite("original") == "original")
    }

    @Test func manyQueriesKeepTheirOrder() async throws {
        let model = ScriptedChatModel(delay: .milliseconds(3)) { messages in
            "rewrite of " + messages.last!.content.components(separatedBy: "\n\n").first!
        }
        let queries = (0..<20).map { "query \($0)" }
        let rewrites = try await QueryRewriter(model: model, maxConcurrentCalls: 4).rewrite(queries)
        #expect(rewrites == queries.map { "rewrite of \($0)" })
        #expect(await model.maxInFlight <= 4)
    }
}
