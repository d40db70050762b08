import CKernels
import Foundation
import Testing
import TestSupport
import ModelFiles
import Tensor

/// Quantized products against decode + sgemm. The activations are rounded to 8 bits per block of 32
/// (error ≤ max|x_block| / 254 per value), so |y − y_ref| ≤ Σ_blocks Σ|w| · max|x_block| / 254, plus
/// float rounding (1e-5 of Σ|w·x|).
@Suite struct GGUFQuantizedMatrixTests {
    /// Checks `matrix` on `tokens` random activation rows, with 1 and 2 threads.
    static func check(_ matrix: GGUFQuantizedMatrix, tokens: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = matrix.inputSize, m = matrix.outputSize
        let x = Matrix(rows: tokens, columns: n, values: (0..<(tokens * n)).map { _ in Float(rng.uniform() * 2 - 1) })
        let w = try matrix.file.floatTensor(matrix.info.name)
        let reference = Matrix(rows: tokens, columns: m)
        BLAS.gemm(x.view, w.matrix, transposeB: true, into: reference.mutableView)
        for threads in [1, 2] {
            let out = Matrix(rows: tokens, columns: m)
            matrix.multiply(x.view, into: out.mutableView, pool: ThreadPool(threadCount: threads))
            var worst = 0.0
            for t in 0..<tokens {
                let xr = x.row(t)
                for r in 0..<m {
                    var bound = 0.0, magnitude = 0.0
                    for b in 0..<(n / 32) {
                        var amax: Float = 0, wsum = 0.0
                        for i in (b * 32)..<(b * 32 + 32) {
                            amax = max(amax, abs(xr[i]))
                            let wi = Double(w.pointer[r * n + i])
                            wsum += abs(wi)
                            magnitude += abs(wi * Double(xr[i]))
                        }
                        bound += wsum * Double(amax) / 254
                    }
                    let diff = abs(Double(out[t, r]) - Double(reference[t, r]))
                    worst = max(worst, diff / (bound + 1e-5 * magnitude + 1e-6))
                }
            }
            #expect(worst <= 1, "\(matrix.info.name) \(matrix.info.type) threads \(threads): error reaches \(worst) of the bound")
        }
        var row = [Float](repeating: 0, count: n)
        matrix.copyRow(m - 1, into: &row)
        #expect(Array(w.buffer[((m - 1) * n)...]) == row)
    }

    /// Random blocks of every supported type, with their scales set to small finite halves.
    @Test(arguments: [GGUFTensorType.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K])
    func randomBlocks(type: GGUFTensorType) throws {
        var rng = SplitMix64(seed: UInt64(type.id))
        let n = 512, m = 40
        let blocks = m * n / type.blockSize
        var data: [UInt8] = []
        for _ in 0..<blocks {
            var block = (0..<type.bytesPerBlock).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let scaleOffsets: [Int]
            switch type {
            case .q4_1, .q4_K, .q5_K: scaleOffsets = [0, 2]
            case .q6_K: scaleOffsets = [208]
            default: scaleOffsets = [0]
            }
            for o in scaleOffsets {
                let h = halfBits(Float(rng.uniform() * 0.05 + 0.001))
                block[o] = h[0]
                block[o + 1] = h[1]
            }
            data += block
        }
        var f = GGUFTestFile()
        f.add("w", ne: [n, m], type: type, data: data)
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("w.gguf")
        try f.write(to: url)
        let matrix = try GGUFQuantizedMatrix(file: GGUFFile(path: url.path), name: "w", outputSize: m, inputSize: n)
        try Self.check(matrix, tokens: 1, seed: 1)
        try Self.check(matrix, tokens: 11, seed: 2)
        // The kernel of the process's CPU level: scripts/test-cpu-levels.sh runs the portable one too.
        try Self.check(matrix, tokens: 3, seed: 6)
    }

    @Test func rejectsUnsupportedTypesAndShapes() throws {
        var f = GGUFTestFile()
        f.add("f", ne: [32, 2], type: .f32, data: [UInt8](repeating: 0, count: 256))
        f.add("v", ne: [32], type: .q8_0, data: [UInt8](repeating: 0, count: 34))
        f.add("q", ne: [32, 2], type: .q8_0, data: [UInt8](repeating: 0, count: 68))
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("w.gguf")
        try f.write(to: url)
        let file = try GGUFFile(path: url.path)
        #expect(throws: GGUFError.unsupportedTensorType(path: url.path, tensor: "f", type: "F32 (for quantized products)")) {
            try GGUFQuantizedMatrix(file: file, name: "f")
        }
        #expect(throws: GGUFError.shapeMismatch(path: url.path, tensor: "v", reason: "1 dimensions, expected a matrix")) {
            try GGUFQuantizedMatrix(file: file, name: "v")
        }
        #expect(throws: GGUFError.shapeMismatch(path: url.path, tensor: "q", reason: "shape [2, 32], expected [32, 2]")) {
            try GGUFQuantizedMatrix(file: file, name: "q", outputSize: 32, inputSize: 2)
        }
    }

    /// Real weights: SmolLM2's Q4_1 and Q8_0, Qwen2.5-Coder's Q5_0, Q4_K and Q6_K (first rows only, to stay quick).
    @Test(.enabled(if: TestPaths.hasModel("SmolLM2-135M-Instruct", file: "SmolLM2-135M-Instruct.Q4_1.gguf"),
                   "SmolLM2 GGUF not found: set REASONIR_MODELS or run scripts/fetch-models.sh smollm2"))
    func smolLM2Weights() throws {
        let file = try GGUFFile(url: TestPaths.models.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"))
        try Self.check(GGUFQuantizedMatrix(file: file, name: "blk.0.attn_v.weight"), tokens: 5, seed: 3)
        try Self.check(GGUFQuantizedMatrix(file: file, name: "blk.0.ffn_down.weight"), tokens: 3, seed: 4)
    }

    @Test(.enabled(if: TestPaths.hasModel("Qwen2.5-Coder-0.5B-Instruct", file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
                   "Qwen2.5-Coder GGUF not found: run scripts/fetch-models.sh qwen"))
    func qwenWeights() throws {
        let file = try GGUFFile(url: TestPaths.models.appendingPathComponent("Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"))
        for name in ["blk.0.attn_v.weight", "blk.0.attn_q.weight", "blk.11.ffn_down.weight", "blk.0.ffn_down.weight"] {
            try Self.check(GGUFQuantizedMatrix(file: file, name: name), tokens: 3, seed: 5)
        }
    }
}
