import Foundation

/// What a run made: counts, lengths, rejections by reason, time, and a few examples of each kind.
public struct SynthesisReport: Codable, Sendable {
    public struct TaskCounts: Codable, Sendable, Equatable {
        public var records = 0
        public var accepted = 0
        public var rejected = 0
        public var bm25Negatives = 0
        public var llmNegatives = 0
        public var triplets = 0
        public var llmCalls = 0
    }

    /// Words of a set of texts.
    public struct Lengths: Codable, Sendable, Equatable {
        public var count: Int
        public var min: Int
        public var median: Int
        public var mean: Double
        public var max: Int

        init?(_ words: [Int]) {
            guard !words.isEmpty else { return nil }
            let sorted = words.sorted()
            count = sorted.count
            min = sorted[0]
            median = sorted[sorted.count / 2]
            mean = Double(sorted.reduce(0, +)) / Double(sorted.count)
            max = sorted[sorted.count - 1]
        }
    }

    /// Time of this session (a resumed run reports only what it did itself).
    public struct Timing: Codable, Sendable, Equatable {
        public var wallSeconds: Double
        /// Waiting on the LLM, summed over records in flight.
        public var llmWaitSeconds: Double
        /// The pipeline's own work: seed selection, the BM25 index, prompts, parsing, checks,
        /// mining, the journal and the final files (summed over records, so an upper bound).
        public var pipelineSeconds: Double
        /// `pipelineSeconds / wallSeconds`.
        public var overheadFraction: Double

        public init(wallSeconds: Double, llmWaitSeconds: Double, pipelineSeconds: Double) {
            self.wallSeconds = wallSeconds
            self.llmWaitSeconds = llmWaitSeconds
            self.pipelineSeconds = pipelineSeconds
            overheadFraction = wallSeconds > 0 ? pipelineSeconds / wallSeconds : 0
        }
    }

    public struct Example: Codable, Sendable, Equatable {
        public var seed: String
        public var query: String
        public var text: String
    }

    public var seedSelection: SeedStatistics
    /// (seed, task) pairs not made yet (a run stopped by its time limit or interrupted).
    public var pendingRecords: Int
    public var qualityScorer: String
    public var tasks: [String: TaskCounts]
    /// Pairs that gave no query, by `task/reason`.
    public var rejectedRecords: [String: Int]
    /// LLM negatives that were not written after every attempt, by reason.
    public var rejectedLLMNegatives: [String: Int]
    /// Every invalid answer, retried ones included, by `step/reason`.
    public var invalidAnswers: [String: Int]
    /// Words, by `task.part` (`hq.query`, `vl.positive`, `hq.negative.bm25`, …).
    public var lengths: [String: Lengths]
    /// Set by the caller: the LLM client's counts, and this session's time.
    public var llm: [String: Double]
    public var timing: Timing?
    /// Up to a few examples each of `hq`, `vl`, `bm25_negative` and `llm_negative`, shortened.
    public var examples: [String: [Example]]

    /// Counts everything in `records`.
    public static func make(records: [SynthesisRecord], selection: SeedStatistics, scorer: String, pending: Int = 0,
                            examples perKind: Int = 5, excerpt: Int = 300) -> SynthesisReport {
        var tasks: [String: TaskCounts] = [:]
        var rejectedRecords: [String: Int] = [:], rejectedNegatives: [String: Int] = [:], invalid: [String: Int] = [:]
        var words: [String: [Int]] = [:]
        var examples: [String: [Example]] = [:]
        func example(_ kind: String, _ record: SynthesisRecord, _ text: String) {
            guard examples[kind, default: []].count < perKind else { return }
            examples[kind, default: []].append(Example(seed: record.seed, query: shorten(record.query ?? "", excerpt),
                                                       text: shorten(text, excerpt)))
        }
        for record in records {
            let task = record.task.rawValue
            var counts = tasks[task] ?? TaskCounts()
            counts.records += 1
            counts.llmCalls += record.calls
            for answer in record.invalidAnswers { invalid["\(answer.step.rawValue)/\(answer.reason.rawValue)", default: 0] += 1 }
            if record.status == .accepted, let query = record.query, let positive = record.positive {
                counts.accepted += 1
                words["\(task).query", default: []].append(TextMeasures.wordCount(query))
                words["\(task).positive", default: []].append(TextMeasures.wordCount(positive))
                example(task, record, positive)
                for negative in record.negatives {
                    words["\(task).negative.\(negative.source.rawValue)", default: []].append(TextMeasures.wordCount(negative.text))
                    switch negative.source {
                    case .bm25: counts.bm25Negatives += 1
                    case .llm: counts.llmNegatives += 1
                    }
                    example("\(negative.source.rawValue)_negative", record, negative.text)
                }
                counts.triplets += record.negatives.count
                for rejection in record.rejections { rejectedNegatives[rejection.reason.rawValue, default: 0] += 1 }
            } else {
                counts.rejected += 1
                let reason = record.rejections.first?.reason.rawValue ?? "unknown"
                rejectedRecords["\(task)/\(reason)", default: 0] += 1
            }
            tasks[task] = counts
        }
        return SynthesisReport(seedSelection: selection, pendingRecords: pending, qualityScorer: scorer, tasks: tasks, rejectedRecords: rejectedRecords,
                               rejectedLLMNegatives: rejectedNegatives, invalidAnswers: invalid,
                               lengths: words.compactMapValues { Lengths($0) }, llm: [:], timing: nil, examples: examples)
    }

    static func shorten(_ text: String, _ limit: Int) -> String {
        let line = String(text.map { $0.isNewline ? " " : $0 })
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }

    /// The report as aligned text tables.
    public var table: String {
        var out = ""
        func row(_ cells: [String], _ widths: [Int]) {
            out += zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        let s = seedSelection
        out += "seeds: \(s.read) read, \(s.tooShort) too short, \(s.tooLong) too long, \(s.lowQuality) low quality (\(qualityScorer)), "
            + "\(s.exactDuplicates) exact and \(s.nearDuplicates) near duplicates, \(s.eligible) eligible, \(s.selected) selected\n"
        if pendingRecords > 0 { out += "\(pendingRecords) (seed, task) pairs still to make: rerun the same command to resume\n" }
        out += "\n"
        let widths = [6, 8, 9, 9, 6, 5, 9, 6]
        row(["task", "records", "accepted", "rejected", "bm25-", "llm-", "triplets", "calls"], widths)
        for (task, c) in tasks.sorted(by: { $0.key < $1.key }) {
            row([task, "\(c.records)", "\(c.accepted)", "\(c.rejected)", "\(c.bm25Negatives)", "\(c.llmNegatives)",
                 "\(c.triplets)", "\(c.llmCalls)"], widths)
        }
        func counts(_ title: String, _ values: [String: Int]) {
            out += "\n\(title)\n"
            if values.isEmpty { out += "  (none)\n" }
            for (key, value) in values.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                row(["  " + key, "\(value)"], [34, 6])
            }
        }
        counts("rejected records (task/reason):", rejectedRecords)
        counts("LLM negatives not written (reason):", rejectedLLMNegatives)
        counts("invalid answers, retries included (step/reason):", invalidAnswers)
        out += "\nlengths in words\n"
        let lengthWidths = [22, 6, 5, 7, 7, 5]
        row(["  text", "count", "min", "median", "mean", "max"], lengthWidths)
        for (key, l) in lengths.sorted(by: { $0.key < $1.key }) {
            row(["  " + key, "\(l.count)", "\(l.min)", "\(l.median)", String(format: "%.1f", l.mean), "\(l.max)"], lengthWidths)
        }
        if !llm.isEmpty {
            out += "\nLLM: " + llm.sorted(by: { $0.key < $1.key }).map { key, value in
                value == value.rounded() ? "\(key) \(Int(value))" : "\(key) " + String(format: "%.2f", value)
            }.joined(separator: ", ") + "\n"
        }
        if let t = timing {
            out += String(format: "\ntime (this session): wall %.1fs, waiting on the LLM %.1fs (summed over records in flight), "
                          + "pipeline's own work %.2fs = %.2f%% of wall time\n",
                          t.wallSeconds, t.llmWaitSeconds, t.pipelineSeconds, 100 * t.overheadFraction)
        }
        return out
    }
}
