import Foundation
import Tensor

/// The settings of a contrastive training run.
public struct TrainingOptions: Sendable, Equatable {
    public var epochs: Int = 1
    /// Stop after this many optimizer steps (epochs continue as needed); `nil`: `epochs` whole epochs.
    public var maxSteps: Int?
    public var batchSize: Int = 32
    /// GradCache's piece size; `nil`: one pass.
    public var miniBatchSize: Int?
    public var learningRate: Double = 2e-5
    public var warmupSteps: Int = 0
    public var schedule: LearningRateSchedule.Shape = .linear
    /// MultipleNegativesRankingLoss's scale (1 / temperature).
    public var scale: Double = 20
    public var seed: UInt64 = 42
    public var weightDecay: Double = 0.01
    public var maxGradNorm: Double? = 1
    /// Write a checkpoint every this many steps (and at the end) when a checkpoint directory is given.
    public var checkpointEvery: Int?

    public init() {}
}

/// Trains a ``TrainableEncoder`` with MultipleNegativesRankingLoss, AdamW, a warm-up schedule,
/// gradient clipping and no-duplicates batches, as sentence-transformers' trainer does with those
/// settings (one optimizer step per batch). Every row contributes its query, its positive and its
/// first `negativeCount` hard negatives (the fewest any row has, so that every batch has the same columns).
public final class ContrastiveTrainer<Model: TrainableEncoder> {
    public let model: Model
    public let examples: [TrainingExample]
    public let options: TrainingOptions
    public let optimizer: AdamW
    public let schedule: LearningRateSchedule
    public let negativeCount: Int
    /// Every step's (epoch, rows), in order.
    public let plan: [(epoch: Int, rows: [Int])]

    public init(model: Model, examples: [TrainingExample], options: TrainingOptions, pool: ThreadPool? = nil) throws {
        guard options.batchSize >= 1 else { throw TrainingError.invalidOption("--batch-size must be at least 1") }
        if let m = options.miniBatchSize, m < 1 { throw TrainingError.invalidOption("--mini-batch-size must be at least 1") }
        guard options.epochs >= 1 || options.maxSteps != nil else { throw TrainingError.invalidOption("--epochs must be at least 1") }
        if let s = options.maxSteps, s < 1 { throw TrainingError.invalidOption("--steps must be at least 1") }
        guard options.learningRate.isFinite, options.learningRate >= 0 else { throw TrainingError.invalidOption("--lr must be a finite number ≥ 0") }
        guard options.scale.isFinite, options.scale > 0 else { throw TrainingError.invalidOption("the scale (1/temperature) must be positive") }
        guard !examples.isEmpty else { throw TrainingError.invalidOption("no training rows") }
        self.model = model
        self.examples = examples
        self.options = options
        negativeCount = examples.map(\.negatives.count).min() ?? 0
        let sampler = NoDuplicatesBatchSampler(batchSize: options.batchSize, seed: options.seed)
        var plan: [(epoch: Int, rows: [Int])] = []
        var epoch = 0
        while options.maxSteps.map({ plan.count < $0 }) ?? (epoch < options.epochs) {
            for rows in sampler.batches(examples, epoch: epoch) {
                if let s = options.maxSteps, plan.count >= s { break }
                plan.append((epoch, rows))
            }
            epoch += 1
        }
        self.plan = plan
        optimizer = AdamW(parameters: model.parameters, settings: .init(weightDecay: options.weightDecay), pool: pool)
        schedule = LearningRateSchedule(base: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: plan.count,
                                        shape: options.schedule)
    }

    /// The columns of a batch: queries, positives, then each hard-negative column.
    public func columns(_ rows: [Int]) -> [[String]] {
        [rows.map { examples[$0].query }, rows.map { examples[$0].positive }]
            + (0..<negativeCount).map { k in rows.map { examples[$0].negatives[k] } }
    }

    /// Runs the plan from the newest checkpoint in `checkpoints` when `resume` (else from the start),
    /// calling `onStep` after every step; writes checkpoints every `checkpointEvery` steps and at the end.
    public func train(checkpoints: URL? = nil, resume: Bool = false, log: ((Int) throws -> TrainingLog)? = nil,
                      onStep: (StepReport) -> Void = { _ in }) throws {
        var start = 0
        var lastCheckpoint: URL?
        if resume, let checkpoints, let step = try Checkpoint.restoreLatest(in: checkpoints, parameters: model.parameters, optimizer: optimizer) {
            start = step
            lastCheckpoint = checkpoints.appendingPathComponent(Checkpoint.prefix + String(step))
        }
        let logFile = try log?(start)
        let gradients = ContrastiveGradients(model: model, loss: MultipleNegativesRankingLoss(scale: options.scale),
                                             miniBatchSize: options.miniBatchSize)
        for s in start..<plan.count {
            let (epoch, rows) = plan[s]
            model.parameters.zeroGradients()
            let (loss, truncated) = try gradients.accumulate(columns(rows))
            guard loss.isFinite else { throw TrainingError.nonFiniteLoss(step: s + 1, checkpoint: lastCheckpoint?.path) }
            let norm = GradientClipping.clip(model.parameters, maxNorm: options.maxGradNorm)
            let rate = schedule.rate(s)
            optimizer.step(learningRate: rate)
            let report = StepReport(step: s + 1, epoch: epoch, loss: loss, learningRate: rate, gradientNorm: norm, rows: rows,
                                    truncated: truncated)
            try logFile?.append(report)
            onStep(report)
            if let checkpoints, let every = options.checkpointEvery, (s + 1) % every == 0 || s + 1 == plan.count {
                lastCheckpoint = try Checkpoint.save(step: s + 1, parameters: model.parameters, optimizer: optimizer, in: checkpoints)
            }
        }
    }
}
