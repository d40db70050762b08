import Foundation
import Tensor

/// A whole `reasonir train` run: read the data, load the model, train (resuming from the newest
/// checkpoint when asked), and save the model directory atomically. The JSONL training log and the
/// checkpoints go to `checkpointDirectory`; the log is copied into the saved model as `train_log.jsonl`.
public struct TrainingRun {
    public var model: URL
    public var data: URL
    public var output: URL
    public var options: TrainingOptions
    public var maxSequenceLength: Int?
    public var threads: Int
    public var overwrite: Bool
    public var resume: Bool
    /// Default: `<output>.checkpoints` beside the output.
    public var checkpointDirectory: URL?

    public init(model: URL, data: URL, output: URL, options: TrainingOptions = TrainingOptions(), maxSequenceLength: Int? = nil,
                threads: Int = ThreadPool.availableProcessors, overwrite: Bool = false, resume: Bool = false,
                checkpointDirectory: URL? = nil) {
        self.model = model
        self.data = data
        self.output = output
        self.options = options
        self.maxSequenceLength = maxSequenceLength
        self.threads = threads
        self.overwrite = overwrite
        self.resume = resume
        self.checkpointDirectory = checkpointDirectory
    }

    public var checkpoints: URL {
        checkpointDirectory ?? output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".checkpoints")
    }
    public var logURL: URL { checkpoints.appendingPathComponent("train_log.jsonl") }

    /// What the run did.
    public struct Summary: Sendable {
        public var steps: Int
        public var resumedAt: Int
        public var lastLoss: Double?
        public var truncated: Int
        public var seconds: Double
        public var negativesPerQuery: Int
        public var rows: Int
    }

    @discardableResult
    public func run(onStep: (StepReport, _ total: Int) -> Void = { _, _ in }) throws -> Summary {
        if FileManager.default.fileExists(atPath: output.path) && !overwrite {
            throw TrainingError.outputExists(path: output.path)
        }
        let examples = try TrainingDataFile.load(data)
        let model = try BertTrainingModel(directory: self.model, maxSequenceLength: maxSequenceLength, threads: threads)
        let trainer = try ContrastiveTrainer(model: model, examples: examples, options: options, pool: model.pool)
        do { try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true) } catch {
            throw TrainingError.write(path: checkpoints.path, reason: error.localizedDescription)
        }
        let started = Date()
        var resumedAt = 0, last: Double?, truncated = 0
        try trainer.train(checkpoints: checkpoints, resume: resume, log: { start in
            resumedAt = start
            return try TrainingLog(url: logURL, keepingThrough: start)
        }) { report in
            last = report.loss
            truncated += report.truncated
            onStep(report, trainer.plan.count)
        }
        try DirectoryWriting.write(to: output, replace: overwrite) { directory in
            try model.save(to: directory)
            try DirectoryWriting.copyFile(logURL, to: directory.appendingPathComponent("train_log.jsonl"))
        }
        return Summary(steps: trainer.plan.count, resumedAt: resumedAt, lastLoss: last, truncated: truncated,
                       seconds: Date().timeIntervalSince(started), negativesPerQuery: trainer.negativeCount, rows: examples.count)
    }
}
