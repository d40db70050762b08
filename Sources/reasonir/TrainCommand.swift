import ArgumentParser
import Foundation
import ReasonIR
import Tensor
import Training

extension LearningRateSchedule.Shape: ExpressibleByArgument {}

/// `reasonir train`: contrastive fine-tuning of a sentence-transformers BERT model.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune an embedding model contrastively (MultipleNegativesRankingLoss) on JSONL rows.",
        discussion: """
            Rows: the synthesizer's train.jsonl ({"query": [instruction, text], "pos": [[…]], "neg": [[…], …]}) or \
            plain {"query", "positive", "negative" | "negatives"}. Every query is scored against every positive and \
            hard negative of its batch (scale 20 = temperature 0.05 by default); batches never hold a text twice; \
            AdamW (decoupled weight decay, none on biases and LayerNorms), warm-up then linear decay, gradient \
            clipping at 1. Dropout is off. The trained model is a sentence-transformers directory that \
            `reasonir embed --model DIR` and sentence-transformers load.

            Checkpoints (--checkpoint-every) and the JSONL log (step, loss, lr, grad_norm, rows) go to \
            DIR.checkpoints; --resume continues from the newest checkpoint and ends at the same weights.

            Example:
                reasonir train --model all-MiniLM-L6-v2 --data train.jsonl --out my-model --steps 100 --warmup 10
            """)

    @Option(help: "The model to start from, by name or directory.")
    var model: String
    @Option(help: ArgumentHelp("Training rows (JSONL).", valueName: "file"))
    var data: String
    @Option(help: ArgumentHelp("Where the trained model directory goes.", valueName: "dir"))
    var out: String
    @Option(help: "Passes over the data.")
    var epochs: Int = 1
    @Option(help: "Stop after this many steps (overrides --epochs).")
    var steps: Int?
    @Option(help: "Rows per contrastive batch.")
    var batchSize: Int = 32
    @Option(help: "GradCache: embed the batch in pieces of this many texts (same gradients, less memory).")
    var miniBatchSize: Int?
    @Option(help: "Peak learning rate.")
    var lr: Double = 2e-5
    @Option(help: "Warm-up steps.")
    var warmup: Int = 0
    @Option(help: "linear (decay to 0 after the warm-up) or constant.")
    var schedule: LearningRateSchedule.Shape = .linear
    @Option(help: "Softmax temperature (1/scale), e.g. 0.02 as GritLM and ReasonIR.")
    var temperature: Double?
    @Option(help: "Similarity scale (1/temperature); default 20.")
    var scale: Double?
    @Option(help: "Tokens per text, special tokens included (default: the model's max_seq_length).")
    var maxLength: Int?
    @Option(help: "Seed of the batch order.")
    var seed: UInt64 = 42
    @Option(help: "AdamW weight decay.")
    var weightDecay: Double = 0.01
    @Option(help: "Clip the gradient norm to this (0: no clipping).")
    var maxGradNorm: Double = 1
    @Option(help: "Write a checkpoint every N steps.")
    var checkpointEvery: Int?
    @Option(help: ArgumentHelp("Checkpoints and the training log (default: OUT.checkpoints).", valueName: "dir"))
    var checkpointDir: String?
    @Flag(help: "Continue from the newest checkpoint.")
    var resume = false
    @Flag(help: "Replace an existing output directory.")
    var overwrite = false
    @Option(help: "float32 (bfloat16 training is not implemented yet).")
    var precision: ComputePrecision = .float32
    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount
    @Flag(help: "No progress lines.")
    var quiet = false

    func validate() throws {
        if temperature != nil && scale != nil { throw ValidationError("Give --temperature or --scale, not both.") }
        if let t = temperature, !(t > 0) { throw ValidationError("--temperature must be positive.") }
        if let s = scale, !(s > 0) { throw ValidationError("--scale must be positive.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if let m = maxLength, m < 2 { throw ValidationError("--max-length must be at least 2.") }
        if precision != .float32 { throw ValidationError("--precision bfloat16 is not implemented for training yet; use float32.") }
    }

    func run() throws {
        try reportingErrors {
            var options = TrainingOptions()
            options.epochs = epochs
            options.maxSteps = steps
            options.batchSize = batchSize
            options.miniBatchSize = miniBatchSize
            options.learningRate = lr
            options.warmupSteps = warmup
            options.schedule = schedule
            options.scale = scale ?? temperature.map { 1 / $0 } ?? 20
            options.seed = seed
            options.weightDecay = weightDecay
            options.maxGradNorm = maxGradNorm > 0 ? maxGradNorm : nil
            options.checkpointEvery = checkpointEvery
            let training = TrainingRun(model: try ModelLocator.locate(model), data: URL(fileURLWithPath: data),
                                       output: URL(fileURLWithPath: out), options: options, maxSequenceLength: maxLength,
                                       threads: threads, overwrite: overwrite, resume: resume,
                                       checkpointDirectory: checkpointDir.map { URL(fileURLWithPath: $0) })
            let started = Date()
            var firstStep: Int?
            let summary = try training.run { report, total in
                guard !quiet else { return }
                if firstStep == nil { firstStep = report.step - 1 }
                let elapsed = Date().timeIntervalSince(started)
                let rate = Double(report.step - firstStep!) / max(elapsed, 1e-9)
                let eta = Double(total - report.step) / max(rate, 1e-9)
                warn(String(format: "step %d/%d  loss %.4f  lr %.3g  grad %.3f  %.2f steps/s  ETA %.0fs",
                            report.step, total, report.loss, report.learningRate, report.gradientNorm, rate, eta))
            }
            if !quiet {
                warn("trained \(summary.steps) steps on \(summary.rows) rows (\(summary.negativesPerQuery) hard negatives per query"
                     + (summary.resumedAt > 0 ? ", resumed at step \(summary.resumedAt)" : "") + "), \(summary.truncated) texts truncated, "
                     + String(format: "%.1fs; saved %@", summary.seconds, out))
            }
        }
    }
}
