import Foundation
import Testing
import TestSupport
@testable import Training

@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct GradCacheTests {
    /// Every parameter gradient of one pass, flattened.
    func gradients(miniBatchSize: Int?, columns: [[String]]) throws -> (loss: Double, values: [[Float]]) {
        let model = try BertTrainingModel(directory: TestPaths.tinyBert, maxSequenceLength: 24, threads: 2)
        model.parameters.zeroGradients()
        let pass = ContrastiveGradients(model: model, loss: MultipleNegativesRankingLoss(scale: 20), miniBatchSize: miniBatchSize)
        let loss = try pass.accumulate(columns).loss
        return (loss, model.parameters.map { $0.gradient.toArray() })
    }

    /// GradCache with pieces of 2 (and of 3, which leaves a ragged last piece) gives the one-pass
    /// gradients: the same sums in another grouping, so float32 rounding only (observed ~1e-7).
    @Test(arguments: [0, 2])
    func cachedGradientsEqualOnePass(negatives: Int) throws {
        let queries = ["what is a cell", "how do genes mutate", "protein folding energy", "virus replication cycle", "immune memory"]
        var columns = [queries, queries.map { "the answer about " + $0 + " is long and detailed" }]
        for k in 0..<negatives { columns.append(queries.map { "unrelated text \(k) on " + String($0.reversed()) }) }
        let reference = try gradients(miniBatchSize: nil, columns: columns)
        for piece in [2, 3] {
            let cached = try gradients(miniBatchSize: piece, columns: columns)
            #expect(abs(cached.loss - reference.loss) <= 1e-6 * abs(reference.loss))
            var worst = 0.0
            for (a, b) in zip(cached.values, reference.values) {
                let error = relativeError(a.map(Double.init), b.map(Double.init))
                if b.contains(where: { $0 != 0 }) { worst = max(worst, error) }
            }
            #expect(worst <= 1e-5, "mini-batch \(piece), \(negatives) negatives: max relative gradient error \(worst)")
        }
    }
}
