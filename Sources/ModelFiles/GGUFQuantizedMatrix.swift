import CKernels
import Tensor

/// A 2-D quantized GGUF weight W (`outputSize × inputSize`, PyTorch's `[out, in]`: GGUF `ne = [in, out]`)
/// multiplied without decoding it: `out = x · Wᵀ` quantizes each row of `x` to 8-bit blocks once, then
/// takes integer dot products block by block (llama.cpp's scheme), over output rows in parallel.
///
/// Types: Q4_0, Q4_1, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K (F32/F16/BF16 weights are better served by sgemm).
/// The activation quantization rounds each value by at most (largest magnitude in its block of 32) / 254,
/// so a product differs from the decoded-weights product by at most Σ|w| · that, per block.
///
/// `@unchecked Sendable`: the weights are read-only and the file keeps them mapped.
public struct GGUFQuantizedMatrix: @unchecked Sendable {
    public let file: GGUFFile
    public let info: GGUFTensorInfo
    private let base: UnsafeRawPointer

    public var inputSize: Int { info.rowLength }
    public var outputSize: Int { info.rowCount }

    /// The tensor `name`; with `outputSize`/`inputSize`, its shape is checked against them.
    public init(file: GGUFFile, name: String, outputSize: Int? = nil, inputSize: Int? = nil) throws {
        let info = try file.tensorInfo(name)
        guard info.ne.count == 2 else {
            throw GGUFError.shapeMismatch(path: file.path, tensor: name, reason: "\(info.ne.count) dimensions, expected a matrix")
        }
        if let outputSize, let inputSize, info.shape != [outputSize, inputSize] {
            throw GGUFError.shapeMismatch(path: file.path, tensor: name,
                                          reason: "shape \(info.shape), expected \([outputSize, inputSize])")
        }
        guard rk_quant_matmul_supports(Int32(info.type.id)) != 0, info.rowLength % 32 == 0 else {
            throw GGUFError.unsupportedTensorType(path: file.path, tensor: name, type: "\(info.type.name) (for quantized products)")
        }
        self.file = file
        self.info = info
        base = file.rawData(info).baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
    }

    /// Whether a tensor of this type can be multiplied in quantized form.
    public static func supports(_ type: GGUFTensorType) -> Bool { rk_quant_matmul_supports(Int32(type.id)) != 0 }

    /// `out = x · Wᵀ`: `x` is tokens × inputSize, `out` tokens × outputSize.
    public func multiply(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool) {
        precondition(x.columns == inputSize && out.columns == outputSize && out.rows == x.rows,
                     "quantized product: x is \(x.rows)×\(x.columns), out \(out.rows)×\(out.columns), W \(outputSize)×\(inputSize)")
        let tokens = x.rows, blocks = inputSize / 32
        if tokens == 0 { return }
        let quantized = UnsafeMutablePointer<rk_q8_block>.allocate(capacity: tokens * blocks)
        defer { quantized.deallocate() }
        pool.parallelChunks(tokens, minimumChunk: 4) { rows, _ in
            for t in rows { rk_quantize_q8_blocks(x.row(t).baseAddress, quantized + t * blocks, inputSize) }
        }
        let type = Int32(info.type.id), rowBytes = info.bytesPerRow, n = inputSize
        let ldy = out.rowStride
        // Chunks of at least 32 output rows: each chunk reads all of the quantized activations.
        pool.parallelChunks(outputSize, minimumChunk: 32) { rows, _ in
            _ = rk_quant_matmul(type, base, rowBytes, n, rows.lowerBound, rows.upperBound,
                                quantized, tokens, out.base, ldy)
        }
    }

    /// Rows `rows` of W decoded to Float32 (`rows.count × inputSize` values).
    public func decodeRows(_ rows: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        // The type and the shape were checked at init, so only an out-of-range row can fail.
        precondition(rows.lowerBound >= 0 && rows.upperBound <= outputSize, "rows \(rows) outside \(outputSize)")
        _ = rk_dequantize(Int32(info.type.id), base + rows.lowerBound * info.bytesPerRow, destination, rows.count * inputSize)
    }

    /// Row `index` of W (an embedding table's vector for token `index`).
    public func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeRows(index..<(index + 1), into: destination)
    }
}
