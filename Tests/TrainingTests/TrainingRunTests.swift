import Foundation
import Models
import Tensor
import Testing
import TestSupport
@testable import Training

/// `Fixtures/train_steps.json`, written by `scripts/parity/train_steps.py` (sentence-transformers on our batches).
struct StepsFixture: Decodable {
    struct Settings: Decodable {
        let steps: Int
        let batch_size: Int
        let negatives: Int
        let max_length: Int
        let lr: Double
        let warmup: Int
        let scale: Double
        let weight_decay: Double
        let seed: UInt64
    }
    struct Row: Decodable {
        let query: String
        let positive: String
        let negatives: [String]
    }
    let settings: Settings
    let rows: [Row]
    let batches: [[Int]]
    let losses: [Double]
    let grad_norms: [Double]

    static func load() throws -> StepsFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/train_steps.json")
        return try JSONDecoder().decode(StepsFixture.self, from: Data(contentsOf: url))
    }

    /// The rows as a plain JSONL training file.
    func writeData(to url: URL) throws {
        var text = ""
        for r in rows {
            let object: [String: Any] = ["query": r.query, "positive": r.positive, "negatives": Array(r.negatives.prefix(settings.negatives))]
            text += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        try Data(text.utf8).write(to: url)
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        o.maxSteps = settings.steps
        o.batchSize = settings.batch_size
        o.learningRate = settings.lr
        o.warmupSteps = settings.warmup
        o.scale = settings.scale
        o.weightDecay = settings.weight_decay
        o.seed = settings.seed
        return o
    }
}

@Suite(.enabled(if: TestPaths.hasMiniLM, "needs models/all-MiniLM-L6-v2"), .serialized)
struct TrainingRunTests {
    /// The loss at every step against sentence-transformers trained on the same batches; then the saved
    /// directory loads in our embedder and gives the trained model's own embeddings.
    @Test func stepsMatchSentenceTransformersAndTheSavedModelLoads() throws {
        let fixture = try StepsFixture.load()
        let dir = try TestPaths.temporaryDirectory()
        let data = dir.appendingPathComponent("train.jsonl")
        try fixture.writeData(to: data)
        let out = dir.appendingPathComponent("model")
        var reports: [StepReport] = []
        let run = TrainingRun(model: TestPaths.miniLM, data: data, output: out, options: fixture.options,
                              maxSequenceLength: fixture.settings.max_length, threads: 2)
        let summary = try run.run { report, _ in reports.append(report) }
        #expect(reports.map(\.rows) == fixture.batches, "the seeded batch order changed")
        var worst = 0.0
        for (r, reference) in zip(reports, fixture.losses) { worst = max(worst, abs(r.loss - reference)) }
        // The bound is 1e-3 per step; these few short steps agree to about 3e-7.
        #expect(worst <= 1e-4, "largest loss difference \(worst)")
        for (r, reference) in zip(reports, fixture.grad_norms) { #expect(abs(r.gradientNorm - reference) <= 1e-3 * reference) }
        #expect(summary.truncated > 0, "texts past --max-length are counted")
        let log = try String(contentsOf: out.appendingPathComponent("train_log.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == fixture.settings.steps)

        let embedder = try SentenceTransformerEmbedder.load(directory: out, threads: 2)
        let texts = [fixture.rows[0].query, fixture.rows[1].positive]
        let loaded = try embedder.embed(texts, kind: .document)
        let trained = try BertTrainingModel(directory: out, threads: 2)
        let direct = try trained.encode(trained.tokenize(texts).batch, keepTape: false).embeddings
        for i in 0..<texts.count {
            let row = Array(loaded[i])
            var dot = 0.0
            for k in 0..<loaded.dimension { dot += Double(row[k]) * Double(direct[i, k]) }
            #expect(dot >= 0.99999)
        }
        // A second run into the same directory is refused; --overwrite replaces it.
        #expect(throws: TrainingError.outputExists(path: out.path)) { try run.run() }
    }

    @Test func nonFiniteLossStopsKeepingTheLastCheckpoint() throws {
        let fixture = try StepsFixture.load()
        let dir = try TestPaths.temporaryDirectory()
        let data = dir.appendingPathComponent("train.jsonl")
        try fixture.writeData(to: data)
        let model = try BertTrainingModel(directory: TestPaths.miniLM, maxSequenceLength: 16, threads: 2)
        var options = fixture.options
        options.maxSteps = 3
        options.checkpointEvery = 1
        let trainer = try ContrastiveTrainer(model: model, examples: try TrainingDataFile.load(data), options: options)
        let checkpoints = dir.appendingPathComponent("checkpoints")
        var seen = 0
        #expect(throws: TrainingError.nonFiniteLoss(step: 2, checkpoint: checkpoints.appendingPathComponent("checkpoint-1").path)) {
            try trainer.train(checkpoints: checkpoints, onStep: { _ in
                seen += 1
                model.embeddingNormWeight.value.storage[0] = .nan  // poisons the next step's forward pass
            })
        }
        #expect(seen == 1 && Checkpoint.steps(in: checkpoints) == [1])
    }
}
