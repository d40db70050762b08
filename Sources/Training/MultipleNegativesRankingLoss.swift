import Foundation
import Tensor

/// InfoNCE over cosine similarities with in-batch negatives and any number of hard negatives, as
/// sentence-transformers' `MultipleNegativesRankingLoss`: query `i` is scored against every
/// positive and every hard negative of the batch (`scale · cos`), and the loss is the mean cross
/// entropy with positive `i` as the label.
public struct MultipleNegativesRankingLoss: Sendable {
    /// The inverse temperature (sentence-transformers' default 20, i.e. temperature 0.05).
    public var scale: Double

    public init(scale: Double = 20) { self.scale = scale }
    public init(temperature: Double) { self.scale = 1 / temperature }

    /// The loss and its gradient with respect to each column's embeddings.
    public struct Result {
        public let loss: Double
        /// One `[B, D]` matrix per column: queries, positives, then each hard-negative column.
        public let gradients: [Matrix]
    }

    /// `columns[0]` the queries, `columns[1]` their positives, `columns[2...]` hard negatives, each `[B, D]`
    /// (row `i` belongs to query `i`). Computed in double precision.
    public func evaluate(_ columns: [MatrixView]) -> Result {
        precondition(columns.count >= 2, "the loss needs queries and positives")
        let B = columns[0].rows, D = columns[0].columns
        precondition(columns.allSatisfy { $0.rows == B && $0.columns == D }, "every column needs \(B) rows of \(D) values")
        // cos_sim normalises both sides (again, when the model already does).
        func normalized(_ m: MatrixView) -> (values: [Double], norms: [Double]) {
            var values = [Double](repeating: 0, count: B * D), norms = [Double](repeating: 0, count: B)
            for r in 0..<B {
                let row = m.row(r)
                var sum = 0.0
                for v in row { sum += Double(v) * Double(v) }
                let n = max(sum.squareRoot(), 1e-12)
                norms[r] = n
                for i in 0..<D { values[r * D + i] = Double(row[i]) / n }
            }
            return (values, norms)
        }
        let queries = normalized(columns[0])
        let candidates = columns.dropFirst().map(normalized)
        let N = candidates.count * B
        func candidate(_ j: Int) -> ArraySlice<Double> {
            let c = candidates[j / B].values, r = j % B
            return c[(r * D)..<(r * D + D)]
        }
        var loss = 0.0
        var dScores = [Double](repeating: 0, count: B * N)  // d loss / d score[i][j]
        for i in 0..<B {
            let q = queries.values[(i * D)..<(i * D + D)]
            var scores = [Double](repeating: 0, count: N)
            for j in 0..<N { scores[j] = scale * zip(q, candidate(j)).reduce(0) { $0 + $1.0 * $1.1 } }
            let top = scores.max()!
            var total = 0.0
            for j in 0..<N { total += Foundation.exp(scores[j] - top) }
            let logSum = top + Foundation.log(total)
            loss += logSum - scores[i]
            for j in 0..<N { dScores[i * N + j] = Foundation.exp(scores[j] - logSum) / Double(B) }
            dScores[i * N + i] -= 1 / Double(B)
        }
        loss /= Double(B)
        // Gradients of the normalised vectors, then through each normalisation.
        var dQueries = [Double](repeating: 0, count: B * D)
        var dCandidates = [[Double]](repeating: [Double](repeating: 0, count: B * D), count: candidates.count)
        for i in 0..<B {
            for j in 0..<N {
                let g = scale * dScores[i * N + j]
                if g == 0 { continue }
                let c = candidate(j), base = c.startIndex
                let col = j / B, r = j % B
                for k in 0..<D {
                    dQueries[i * D + k] += g * c[base + k]
                    dCandidates[col][r * D + k] += g * queries.values[i * D + k]
                }
            }
        }
        func throughNormalization(_ n: (values: [Double], norms: [Double]), _ dy: [Double]) -> Matrix {
            let out = Matrix(rows: B, columns: D)
            for r in 0..<B {
                var dot = 0.0
                for k in 0..<D { dot += n.values[r * D + k] * dy[r * D + k] }
                for k in 0..<D { out[r, k] = Float((dy[r * D + k] - n.values[r * D + k] * dot) / n.norms[r]) }
            }
            return out
        }
        var gradients = [throughNormalization(queries, dQueries)]
        for (c, n) in candidates.enumerated() { gradients.append(throughNormalization(n, dCandidates[c])) }
        return Result(loss: loss, gradients: gradients)
    }
}
