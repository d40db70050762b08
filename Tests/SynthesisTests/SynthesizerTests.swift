import Foundation
import LLM
import Retrieval
import TestSupport
import Testing
@testable import Synthesis

@Suite struct SynthesizerTests {
    let seed = topicDocuments(1)[0]

    func synthesizer(_ model: ScriptedChatModel, attempts: Int = 3, llmNegatives: Bool = true) throws -> Synthesizer {
        try Synthesizer(model: model, options: SynthesisOptions(attempts: attempts, variedLengthQueryWords: [10],
                                                                variedLengthDocumentWords: 60, llmNegatives: llmNegatives))
    }

    @Test func aHardQueryRecordHasTheSeedAsPositiveAndAWrittenNegative() async throws {
        let model = ScriptedChatModel { messages, _ in validAnswer(messages) }
        let record = try await synthesizer(model).record(seed: seed, task: .hardQuery)
        #expect(record.status == .accepted)
        #expect(record.positive == seed.text)
        #expect(record.query?.hasPrefix("A farmer notices") == true)
        #expect(record.negatives.map(\.source) == [.llm])
        #expect(record.calls == 2 && record.invalidAnswers.isEmpty)
        // The prompts carry the seed, and the JSON schema goes along as response_format.
        let first = try #require(model.requests.first)
        #expect(first.messages.last?.content.contains(seed.text) == true)
        #expect(first.options.responseFormat == .jsonSchema(name: "hard_query", schema: SynthesisPrompts.hardQuerySchema))
    }

    @Test func variedLengthDataIsAQueryOfTheAskedLengthWithAWrittenDocument() async throws {
        let model = ScriptedChatModel { messages, _ in validAnswer(messages, queryWords: 10) }
        let record = try await synthesizer(model).record(seed: seed, task: .variedLength)
        #expect(record.status == .accepted)
        #expect(record.targetWords == 10)
        #expect(TextMeasures.wordCount(record.query ?? "") == 10)
        #expect(record.positive == fillerWords(40, offset: 5))
        #expect(model.requests.first?.messages.first?.content.contains("about 10 words") == true)
    }

    @Test func invalidAnswersAreRetriedWithAnotherSeedThenRejectedWithTheirReason() async throws {
        let model = ScriptedChatModel { messages, options in
            guard Step(messages) == .hardQuery else { return validAnswer(messages) }
            switch options.seed ?? 0 {
            case 0: return "I cannot answer in JSON."
            case 1: return #"{"question": "wrong field"}"#
            default: return #"{"hard_query": "Too short?"}"#
            }
        }
        let record = try await synthesizer(model).record(seed: seed, task: .hardQuery)
        #expect(record.status == .rejected)
        #expect(model.requests.map { $0.options.seed } == [0, 1, 2])
        #expect(record.invalidAnswers.map(\.reason) == [.unparseableJSON, .missingField, .tooShort])
        #expect(record.rejections.map(\.reason) == [.tooShort])
        #expect(record.calls == 3 && record.query == nil)
    }

    @Test func aQuestionQuotingOrNamingTheDocumentIsRejected() async throws {
        let quoted = seed.text.split(separator: " ").prefix(20).joined(separator: " ")
        let model = ScriptedChatModel { messages, options in
            options.seed == 0 ? #"{"hard_query": "Consider this: \#(quoted). Why?"}"#
                              : #"{"hard_query": "Based on the document, what would a farmer expect to see in the field next spring?"}"#
        }
        let record = try await synthesizer(model, attempts: 2).record(seed: seed, task: .hardQuery)
        #expect(record.invalidAnswers.map(\.reason) == [.quotesDocument, .namesDocument])
        #expect(record.status == .rejected)
    }

    @Test func aShortWrittenNegativeLeavesTheRecordAcceptedWithTheReasonNoted() async throws {
        let model = ScriptedChatModel { messages, _ in
            Step(messages) == .negative ? #"{"negative": "Only a few words."}"# : validAnswer(messages)
        }
        let record = try await synthesizer(model, attempts: 2).record(seed: seed, task: .hardQuery)
        #expect(record.status == .accepted)
        #expect(record.negatives.isEmpty)
        #expect(record.rejections.map(\.reason) == [.tooShort])
        #expect(record.rejections.first?.step == .negative)
    }

    @Test func aTruncatedAnswerIsNamedSo() async throws {
        struct CutModel: ChatModel {
            func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
                ChatCompletion(content: #"{"hard_query": "A long question that never"#, finishReason: "length")
            }
        }
        let record = try await Synthesizer(model: CutModel(), options: SynthesisOptions(attempts: 1)).record(seed: seed, task: .hardQuery)
        #expect(record.rejections.map(\.reason) == [.truncated])
    }

    @Test func transportErrorsStopTheRunAndRecordNothing() async throws {
        struct DownModel: ChatModel {
            func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
                throw LLMError.connection(url: "http://127.0.0.1:1/v1/chat/completions", attempts: 5, reason: "refused")
            }
        }
        let directory = try TestPaths.temporaryDirectory()
        let journal = try SynthesisJournal(url: directory.appendingPathComponent("journal.jsonl"))
        let synthesizer = try Synthesizer(model: EndpointPool(endpoints: [DownModel(), DownModel()], limit: 1))
        await #expect(throws: LLMError.self) {
            try await synthesizer.run(seeds: [seed], journal: journal, concurrency: 2)
        }
        #expect(await journal.records.isEmpty)
    }

    @Test func thePoolBoundsCallsPerEndpointAndSpreadsThem() async throws {
        final class Counting: ChatModel, @unchecked Sendable {
            // `@unchecked Sendable`: counters only under `lock`.
            let lock = NSLock()
            var inFlight = 0, most = 0, calls = 0
            func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
                lock.withLock { inFlight += 1; most = max(most, inFlight); calls += 1 }
                try await Task.sleep(for: .milliseconds(20))
                lock.withLock { inFlight -= 1 }
                return ChatCompletion(content: validAnswer(messages))
            }
        }
        let endpoints = [Counting(), Counting(), Counting()]
        let pool = EndpointPool(endpoints: endpoints, limit: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<30 { group.addTask { _ = try await pool.complete([.user("\(i)")], options: ChatOptions()) } }
            try await group.waitForAll()
        }
        #expect(endpoints.allSatisfy { $0.most <= 2 })
        #expect(endpoints.allSatisfy { $0.calls >= 5 }, "calls: \(endpoints.map(\.calls))")
        #expect(endpoints.map(\.calls).reduce(0, +) == 30)
    }
}

@Suite struct TimeLimitTests {
    @Test func noRecordStartsAfterTheDeadlineAndThoseInFlightFinish() async throws {
        let model = ScriptedChatModel { messages, _ in
            Thread.sleep(forTimeInterval: 0.05)
            return validAnswer(messages)
        }
        let synthesizer = try Synthesizer(model: model, options: SynthesisOptions(tasks: [.hardQuery], llmNegatives: false))
        let seeds = topicDocuments(10)
        let directory = try TestPaths.temporaryDirectory()
        let past = try SynthesisJournal(url: directory.appendingPathComponent("past.jsonl"))
        #expect(try await synthesizer.run(seeds: seeds, journal: past, concurrency: 2, deadline: .now) == 0)
        #expect(await past.records.isEmpty)

        let journal = try SynthesisJournal(url: directory.appendingPathComponent("journal.jsonl"))
        let made = try await synthesizer.run(seeds: seeds, journal: journal, concurrency: 1, deadline: .now + .milliseconds(120))
        #expect((1..<seeds.count).contains(made))
        #expect(await journal.records.count == made)
        // The rest is made by a run without a limit.
        #expect(try await synthesizer.run(seeds: seeds, journal: journal, concurrency: 2) == seeds.count - made)
    }
}
