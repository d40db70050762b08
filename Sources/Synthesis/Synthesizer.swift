import Foundation
import JSON
import LLM
import Retrieval

/// ReasonIR-Synthesizer: from seed documents, hard queries and varied-length data with hard
/// negatives, one journaled record per (seed, task).
///
/// Each record is made by a short chain of LLM calls (the query, then the LLM negative); each
/// answer must parse as the step's JSON and pass its checks, else it is asked again with another
/// sampling seed, up to `options.attempts` times, and then recorded as a rejection with its
/// reason. LLM transport errors (after the client's retries and the pool's failover) stop the
/// run instead: nothing is recorded for that pair, so a rerun does it.
public final class Synthesizer: Sendable {
    public let model: any ChatModel
    public let options: SynthesisOptions
    public let miner: BM25NegativeMiner?
    /// Corpus text by id, for mined negatives.
    private let corpus: [String: String]
    /// Duplicates of each seed (never its negatives).
    private let duplicates: [String: [String]]
    private let clock = TimeLedger()

    public init(model: any ChatModel, options: SynthesisOptions = SynthesisOptions(), miner: BM25NegativeMiner? = nil,
                corpus: [String: String] = [:], duplicates: [String: [String]] = [:]) throws {
        try options.validate()
        self.model = model
        self.options = options
        self.miner = miner
        self.corpus = corpus
        self.duplicates = duplicates
    }

    /// Time this synthesizer spent waiting on the LLM, and on its own work (prompts, parsing,
    /// checks, mining, journal), summed over records.
    public var timing: (llmWait: Double, ownWork: Double) { clock.totals }

    // MARK: Running

    /// Makes every (seed, task) pair the journal lacks, `concurrency` records at a time, and
    /// appends each to the journal as it finishes. Past `deadline` no new record is started (those
    /// in flight finish), so a run can be given a time budget and resumed later. Returns the
    /// number made in this call.
    @discardableResult
    public func run(seeds: [Document], journal: SynthesisJournal, concurrency: Int,
                    deadline: ContinuousClock.Instant? = nil,
                    progress: any ProgressReporter = SilentProgress()) async throws -> Int {
        var pending: [(Document, SynthesisTask)] = []
        for seed in seeds {
            for task in options.tasks where !(await journal.contains(.init(seed: seed.id, task: task))) {
                pending.append((seed, task))
            }
        }
        let done = seeds.count * options.tasks.count - pending.count
        let label = done > 0 ? "synthesizing (\(done) done before)" : "synthesizing"
        progress.report(ProgressUpdate(task: label, completed: 0, total: pending.count, unit: "records"))
        var finished = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                let (seed, task) = pending[next]
                next += 1
                group.addTask {
                    let record = try await self.record(seed: seed, task: task)
                    let began = ContinuousClock.now
                    try await journal.append(record)
                    self.clock.addOwn(ContinuousClock.now - began)
                }
            }
            func mayStart() -> Bool { next < pending.count && deadline.map { ContinuousClock.now < $0 } ?? true }
            while next < max(1, concurrency) && mayStart() { launch() }
            while try await group.next() != nil {
                finished += 1
                progress.report(ProgressUpdate(task: label, completed: finished, total: pending.count, unit: "records"))
                if mayStart() { launch() }
            }
        }
        progress.finish(ProgressUpdate(task: label, completed: finished, total: pending.count, unit: "records"))
        return finished
    }

    /// The record of one (seed, task) pair.
    public func record(seed: Document, task: SynthesisTask) async throws -> SynthesisRecord {
        let began = ContinuousClock.now
        var ledger = CallLedger()
        let record: SynthesisRecord
        switch task {
        case .hardQuery: record = try await hardQuery(seed: seed, ledger: &ledger)
        case .variedLength: record = try await variedLength(seed: seed, ledger: &ledger)
        }
        clock.add(total: ContinuousClock.now - began, llmWait: ledger.wait)
        return record
    }

    // MARK: Tasks

    private func hardQuery(seed: Document, ledger: inout CallLedger) async throws -> SynthesisRecord {
        let document = promptText(seed.text)
        let messages: [ChatMessage] = [.system(SynthesisPrompts.hardQuerySystem),
                                       .user(SynthesisPrompts.hardQueryUser(document: document))]
        let query = try await ask(step: .hardQuery, messages: messages, schema: SynthesisPrompts.hardQuerySchema,
                                  maxTokens: options.hardQueryMaxTokens, ledger: &ledger) { object in
            let text = try ResponseValidation.string(object, "hard_query").get()
            let words = TextMeasures.wordCount(text)
            if words < options.hardQueryWords.lowerBound { throw Invalid(.tooShort, "\(words) words") }
            if words > options.hardQueryWords.upperBound { throw Invalid(.tooLong, "\(words) words") }
            if ResponseValidation.namesDocument(text) { throw Invalid(.namesDocument, text) }
            if TextMeasures.quotes(text, from: seed.text, length: options.quoteWords) { throw Invalid(.quotesDocument, text) }
            return text
        }
        guard let query else { return rejected(seed: seed, task: .hardQuery, ledger: ledger) }
        return try await accepted(seed: seed, task: .hardQuery, query: query, positive: seed.text, targetWords: nil,
                                  ledger: &ledger)
    }

    private func variedLength(seed: Document, ledger: inout CallLedger) async throws -> SynthesisRecord {
        let target = options.targetWords(for: seed.id)
        let range = SynthesisOptions.acceptedQueryWords(target: target)
        let minimumDocument = max(20, options.variedLengthDocumentWords / 3)
        let messages: [ChatMessage] = [
            .system(SynthesisPrompts.variedLengthSystem(queryWords: target, documentWords: options.variedLengthDocumentWords)),
            .user(SynthesisPrompts.variedLengthUser(seed: promptText(seed.text))),
        ]
        let pair = try await ask(step: .variedLength, messages: messages, schema: SynthesisPrompts.variedLengthSchema,
                                 maxTokens: options.variedLengthMaxTokens, ledger: &ledger) { object in
            let query = try ResponseValidation.string(object, "query").get()
            let document = try ResponseValidation.string(object, "document").get()
            let words = TextMeasures.wordCount(query)
            if words < range.lowerBound { throw Invalid(.tooShort, "query: \(words) words for \(target) asked") }
            if words > range.upperBound { throw Invalid(.tooLong, "query: \(words) words for \(target) asked") }
            let documentWords = TextMeasures.wordCount(document)
            if documentWords < minimumDocument { throw Invalid(.tooShort, "document: \(documentWords) words") }
            if TextMeasures.quotes(query, from: seed.text, length: options.quoteWords) { throw Invalid(.quotesDocument, query) }
            return (query, document)
        }
        guard let (query, document) = pair else {
            var record = rejected(seed: seed, task: .variedLength, ledger: ledger)
            record.targetWords = target
            return record
        }
        return try await accepted(seed: seed, task: .variedLength, query: query, positive: document, targetWords: target,
                                  ledger: &ledger)
    }

    /// An accepted query with its positive: adds the mined and the written negatives.
    private func accepted(seed: Document, task: SynthesisTask, query: String, positive: String, targetWords: Int?,
                          ledger: inout CallLedger) async throws -> SynthesisRecord {
        var negatives: [SynthesisRecord.Negative] = []
        if let miner {
            let excluded = Set([seed.id] + (duplicates[seed.id] ?? []))
            for id in miner.mine(query: query, excluding: excluded) {
                if let text = corpus[id] { negatives.append(.init(source: .bm25, id: id, text: text)) }
            }
        }
        var rejections: [Rejection] = []
        if options.llmNegatives {
            let messages: [ChatMessage] = [.system(SynthesisPrompts.negativeSystem(minimumWords: options.minNegativeWords)),
                                           .user(SynthesisPrompts.negativeUser(query: query, positive: promptText(positive)))]
            let negative = try await ask(step: .negative, messages: messages, schema: SynthesisPrompts.negativeSchema,
                                         maxTokens: options.negativeMaxTokens, ledger: &ledger) { object in
                let text = try ResponseValidation.string(object, "negative").get()
                let words = TextMeasures.wordCount(text)
                if words < options.minNegativeWords { throw Invalid(.tooShort, "\(words) words") }
                if TextMeasures.quotes(text, from: positive, length: options.quoteWords) { throw Invalid(.quotesDocument, text) }
                return text
            }
            if let negative {
                negatives.append(.init(source: .llm, text: negative))
            } else if let last = ledger.invalid.last {
                rejections.append(last)
            }
        }
        return SynthesisRecord(seed: seed.id, task: task, status: .accepted, query: query, positive: positive,
                               targetWords: targetWords, negatives: negatives, rejections: rejections,
                               invalidAnswers: ledger.invalid, calls: ledger.calls)
    }

    private func rejected(seed: Document, task: SynthesisTask, ledger: CallLedger) -> SynthesisRecord {
        SynthesisRecord(seed: seed.id, task: task, status: .rejected, rejections: ledger.invalid.suffix(1),
                        invalidAnswers: ledger.invalid, calls: ledger.calls)
    }

    // MARK: Asking

    /// An answer that failed a check.
    struct Invalid: Error {
        var reason: RejectionReason
        var detail: String
        init(_ reason: RejectionReason, _ detail: String) {
            self.reason = reason
            self.detail = detail
        }
    }

    /// Calls and rejected answers of one record, and the time spent waiting on the LLM.
    struct CallLedger {
        var calls = 0
        var invalid: [Rejection] = []
        var wait: Duration = .zero
    }

    /// Asks until `check` accepts an answer, at most `options.attempts` times; nil when none passed.
    private func ask<T>(step: Rejection.Step, messages: [ChatMessage], schema: JSONSchema, maxTokens: Int,
                        ledger: inout CallLedger, check: (JSONValue) throws -> T) async throws -> T? {
        for attempt in 0..<options.attempts {
            let chatOptions = ChatOptions(
                temperature: options.temperature, topP: options.topP, maxTokens: maxTokens, seed: options.seed + attempt,
                responseFormat: options.jsonSchema ? .jsonSchema(name: step.rawValue, schema: schema) : nil)
            let asked = ContinuousClock.now
            let completion = try await model.complete(messages, options: chatOptions)
            ledger.wait += ContinuousClock.now - asked
            ledger.calls += 1
            switch ResponseValidation.object(in: completion.content) {
            case .failure(let reason):
                let cut = completion.finishReason == "length"
                ledger.invalid.append(Rejection(step: step, reason: cut ? .truncated : reason,
                                                detail: Self.excerpt(completion.content)))
            case .success(let object):
                do {
                    return try check(object)
                } catch let invalid as Invalid {
                    ledger.invalid.append(Rejection(step: step, reason: invalid.reason, detail: Self.excerpt(invalid.detail)))
                } catch let reason as RejectionReason {
                    ledger.invalid.append(Rejection(step: step, reason: reason, detail: Self.excerpt(completion.content)))
                }
            }
        }
        return nil
    }

    /// A seed cut to the prompt's word budget.
    private func promptText(_ text: String) -> String {
        guard TextMeasures.wordCount(text) > options.maxPromptDocumentWords else { return text }
        return text.split(whereSeparator: { $0.isWhitespace }).prefix(options.maxPromptDocumentWords).joined(separator: " ")
    }

    static func excerpt(_ text: String, limit: Int = 200) -> String {
        let line = text.map { $0.isNewline ? " " : $0 }
        return line.count > limit ? String(line.prefix(limit)) + "…" : String(line)
    }
}

extension RejectionReason: Error {}
