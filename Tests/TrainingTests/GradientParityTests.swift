import Foundation
import Models
import Tensor
import Testing
import TestSupport
@testable import Training

/// `Fixtures/train_gradients.json`, written by `scripts/parity/train_gradients.py` (sentence-transformers + PyTorch).
struct GradientFixture: Decodable {
    struct Row: Decodable {
        let query: String
        let positive: String
        let negatives: [String]
    }
    struct Gradient: Decodable {
        let shape: [Int]
        let norm: Double
        let indices: [Int]
        let values: [Double]
    }
    struct Case: Decodable {
        let negatives: Int
        let loss: Double
        let token_ids: [[[Int32]]]
        let gradients: [String: Gradient]
    }
    let max_seq_length: Int
    let scale: Double
    let rows: [Row]
    let cases: [Case]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/train_gradients.json")
    static func load() throws -> GradientFixture { try JSONDecoder().decode(GradientFixture.self, from: Data(contentsOf: url)) }

    func columns(negatives: Int) -> [[String]] {
        [rows.map(\.query), rows.map(\.positive)] + (0..<negatives).map { k in rows.map { $0.negatives[k] } }
    }
}

/// Relative error ‖a − b‖ / ‖b‖.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var d = 0.0, n = 0.0
    for (x, y) in zip(a, b) { d += (x - y) * (x - y); n += y * y }
    return (d / max(n, 1e-300)).squareRoot()
}

/// The loss and every parameter gradient of one (MNRL over a batch) pass, summed into the model's gradients.
func onePass(_ model: BertTrainingModel, columns: [[String]], scale: Double) throws -> (loss: Double, tokens: [TokenBatch]) {
    model.parameters.zeroGradients()
    let batches = columns.map { model.tokenize($0).batch }
    let encoded = try batches.map { try model.encode($0, keepTape: true) }
    let result = MultipleNegativesRankingLoss(scale: scale).evaluate(encoded.map { $0.embeddings.view })
    for (e, g) in zip(encoded, result.gradients) { model.backward(e.tape!, embeddingGradient: g.view) }
    return (result.loss, batches)
}

@Suite(.enabled(if: TestPaths.hasMiniLM, "needs models/all-MiniLM-L6-v2"))
struct GradientParityTests {
    /// float32 through 6 layers, with sums in other orders than PyTorch's: the observed relative error is
    /// about 1e-6; 1e-4 leaves room for other BLAS kernels while a wrong term (a missing residual, a
    /// transposed product, a wrong LayerNorm term) gives errors of order 1e-1 or more.
    static let tolerance = 1e-4

    @Test func gradientsMatchPyTorch() throws {
        let fixture = try GradientFixture.load()
        let model = try BertTrainingModel(directory: TestPaths.miniLM, maxSequenceLength: fixture.max_seq_length, threads: 2)
        for c in fixture.cases {
            let (loss, batches) = try onePass(model, columns: fixture.columns(negatives: c.negatives), scale: fixture.scale)
            for (batch, ids) in zip(batches, c.token_ids) {
                #expect((0..<batch.batchSize).map { b in (0..<batch.tokenEnd(b)).map { batch.inputIDs[b * batch.sequenceLength + $0] } } == ids)
            }
            #expect(abs(loss - c.loss) <= 1e-5 * max(1, abs(c.loss)), "loss \(loss) vs \(c.loss) (negatives \(c.negatives))")
            let ours = Dictionary(uniqueKeysWithValues: model.huggingFaceTensors(\.gradient).map { ($0.name, $0) })
            var worst = (0.0, "")
            for (name, reference) in c.gradients {
                let g = try #require(ours[name], "no gradient for \(name)")
                #expect(g.shape == reference.shape, "\(name)")
                var sum = 0.0
                for v in g.values { sum += Double(v) * Double(v) }
                if name.hasSuffix("attention.self.key.bias") {
                    // Softmax ignores a shift of each row, so the key bias's gradient is exactly zero: both
                    // sides hold rounding noise (PyTorch's norm is about 1e-8).
                    #expect(sum.squareRoot() < 1e-6 && reference.norm < 1e-6, "\(name): \(sum.squareRoot()) vs \(reference.norm)")
                    continue
                }
                let normError = abs(sum.squareRoot() - reference.norm) / reference.norm
                let sampleError = relativeError(reference.indices.map { Double(g.values[$0]) }, reference.values)
                let error = max(normError, sampleError)
                if error > worst.0 { worst = (error, name) }
                #expect(error <= Self.tolerance, "\(name): norm error \(normError), sampled error \(sampleError)")
            }
            print("negatives \(c.negatives): loss \(loss) (reference \(c.loss)), worst relative gradient error \(worst.0) (\(worst.1))")
        }
    }
}
