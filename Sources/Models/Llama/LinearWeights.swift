import CKernels
import Foundation
import ModelFiles
import Tensor

/// A linear layer's weight matrix W, `outputSize × inputSize` (PyTorch's `[out, in]` layout),
/// whatever its storage: Float32, half precision or quantized blocks.
public protocol LinearWeights: Sendable {
    var inputSize: Int { get }
    var outputSize: Int { get }
    /// `out = x · Wᵀ`: `x` is tokens × inputSize, `out` tokens × outputSize.
    func multiply(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool)
    /// Row `index` of W as Float32 (`inputSize` values): a token's vector when W is an embedding table.
    func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>)
}

/// Float32 weights (memory-mapped or owned), multiplied by OpenBLAS.
public struct F32LinearWeights: LinearWeights {
    public let tensor: FloatTensor

    public init(_ tensor: FloatTensor) {
        precondition(tensor.rank == 2, "linear weights must be a matrix")
        self.tensor = tensor
    }

    public var inputSize: Int { tensor.shape[1] }
    public var outputSize: Int { tensor.shape[0] }

    public func multiply(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool) {
        BLAS.gemm(x, tensor.matrix, transposeB: true, into: out, pool: pool)
    }

    public func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        destination.update(from: tensor.pointer + index * inputSize, count: inputSize)
    }
}

/// Weights stored in another form (half precision, quantized blocks) that are decoded to Float32 a
/// block of rows at a time: each product decodes a tile of rows into a per-thread scratch buffer
/// and multiplies it with sgemm, so the stored form stays memory-mapped and memory holds one tile
/// per thread beyond it.
public protocol RowDecodedLinearWeights: LinearWeights {
    /// Writes rows `rows` of W as Float32, `rows.count × inputSize` values.
    func decodeRows(_ rows: Range<Int>, into destination: UnsafeMutablePointer<Float>)
}

extension RowDecodedLinearWeights {
    public func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeRows(index..<(index + 1), into: destination)
    }

    public func multiply(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool) {
        multiplyByDecodedTiles(x, into: out, pool: pool)
    }

    /// `out = x · Wᵀ` through decoded tiles and sgemm (for types that also have another product).
    public func multiplyByDecodedTiles(_ x: MatrixView, into out: MutableMatrixView, pool: ThreadPool) {
        let n = inputSize
        // Few tokens (generation): small tiles spread the decoding over the threads. Many tokens:
        // larger tiles, so sgemm packs the activations fewer times.
        let target = x.rows <= 8 ? 64 : 256
        let tileRows = max(16, min(target, (outputSize + pool.threadCount - 1) / pool.threadCount))
        let tiles = (outputSize + tileRows - 1) / tileRows
        let scratch = (0..<pool.threadCount).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: tileRows * n) }
        defer { scratch.forEach { $0.deallocate() } }
        pool.parallelFor(tiles) { tile, worker in
            let rows = (tile * tileRows)..<min(outputSize, (tile + 1) * tileRows)
            let buffer = scratch[worker]
            decodeRows(rows, into: buffer)
            let w = MatrixView(base: UnsafePointer(buffer), rows: rows.count, columns: n)
            BLAS.gemm(x, w, transposeB: true, into: out.columns(rows))
        }
    }
}

/// BF16 or F16 weights that stay memory-mapped (converted tile by tile as they are used), so an
/// 8B-parameter BF16 checkpoint needs 16 GB, not 32.
///
/// `@unchecked Sendable`: the values are read-only and `owner` keeps them mapped.
public struct HalfLinearWeights: RowDecodedLinearWeights, @unchecked Sendable {
    public enum Format: Sendable { case f16, bf16 }

    public let format: Format
    public let inputSize: Int
    public let outputSize: Int
    private let base: UnsafePointer<UInt16>
    private let owner: AnyObject

    /// `bytes` hold `outputSize · inputSize` 2-byte values, row-major; `owner` keeps them alive.
    /// Bytes at an odd address (possible in a safetensors file) are copied once to aligned memory.
    public init(format: Format, outputSize: Int, inputSize: Int, bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        precondition(bytes.count == outputSize * inputSize * 2, "half-precision weights: byte count does not match the shape")
        self.format = format
        self.inputSize = inputSize
        self.outputSize = outputSize
        if let start = bytes.baseAddress, Int(bitPattern: start) % 2 == 0 {
            base = start.assumingMemoryBound(to: UInt16.self)
            self.owner = owner
        } else {
            let copy = AlignedHalves(count: outputSize * inputSize)
            if let start = bytes.baseAddress { UnsafeMutableRawPointer(copy.pointer).copyMemory(from: start, byteCount: bytes.count) }
            base = UnsafePointer(copy.pointer)
            self.owner = copy
        }
    }

    public func decodeRows(_ rows: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        let source = base + rows.lowerBound * inputSize, count = rows.count * inputSize
        switch format {
        case .f16: rk_f16_to_f32(source, destination, count)
        case .bf16: rk_bf16_to_f32(source, destination, count)
        }
    }
}

/// Owned, 2-byte aligned storage for half-precision values.
private final class AlignedHalves: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt16>
    init(count: Int) { pointer = .allocate(capacity: max(1, count)) }
    deinit { pointer.deallocate() }
}

extension SafetensorsWeights {
    /// The tensor `name` (shape `[rows, columns]`) as linear weights: F32 mapped as is, BF16/F16 kept
    /// mapped and converted tile by tile, F64 converted once.
    public func linearWeights(_ name: String, rows: Int, columns: Int) throws -> any LinearWeights {
        let (info, bytes, owner) = try rawTensor(name)
        guard info.shape == [rows, columns] else {
            throw ModelFileError.wrongShape(path: file(containing: name)?.path ?? describedPath, name: name,
                                            expected: [rows, columns], actual: info.shape)
        }
        switch info.dtype {
        case .bf16: return HalfLinearWeights(format: .bf16, outputSize: rows, inputSize: columns, bytes: bytes, owner: owner)
        case .f16: return HalfLinearWeights(format: .f16, outputSize: rows, inputSize: columns, bytes: bytes, owner: owner)
        default: return F32LinearWeights(try floatTensor(name, shape: [rows, columns]))
        }
    }
}
