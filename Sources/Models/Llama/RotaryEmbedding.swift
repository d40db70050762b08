import Foundation
import ModelFiles
import Tensor

/// Rotary position embeddings: cos/sin tables for a range of positions, applied to Q and K rows in place.
struct RotaryEmbedding: Sendable {
    let inverseFrequencies: [Float]
    let headDimension: Int
    let pairing: RopePairing

    init(config: LlamaConfig) {
        inverseFrequencies = config.ropeInverseFrequencies()
        headDimension = config.headDimension
        pairing = config.ropePairing
    }

    /// Fills `cos` and `sin` (resized to `count × headDimension/2`) for positions `first..<first+count`.
    /// The angle is a Float32 product, as PyTorch forms it; cos/sin of it are rounded from Double.
    func tables(first: Int, count: Int, cos: Matrix, sin: Matrix) {
        let half = headDimension / 2
        cos.resize(rows: count, columns: half)
        sin.resize(rows: count, columns: half)
        for r in 0..<count {
            let p = Float(first + r)
            for i in 0..<half {
                let angle = Double(p * inverseFrequencies[i])
                cos.storage[r * half + i] = Float(Foundation.cos(angle))
                sin.storage[r * half + i] = Float(Foundation.sin(angle))
            }
        }
    }

    /// Rotates every head of `rows` (each row `heads · headDimension` values); row `r` uses table row
    /// `tableRow(r)`.
    func apply(_ x: MutableMatrixView, heads: Int, cos: Matrix, sin: Matrix, tableRow: (Int) -> Int) {
        let d = headDimension, half = d / 2
        let (stride, offset) = pairing == .halves ? (1, half) : (2, 1)
        for r in 0..<x.rows {
            let t = tableRow(r)
            let c = cos.storage + t * half, s = sin.storage + t * half
            let row = x.base + r * x.rowStride
            for h in 0..<heads {
                let v = row + h * d
                for i in 0..<half {
                    let a = i * stride
                    let x1 = v[a], x2 = v[a + offset]
                    v[a] = x1 * c[i] - x2 * s[i]
                    v[a + offset] = x2 * c[i] + x1 * s[i]
                }
            }
        }
    }
}
