import CKernels

/// A weight matrix `W` (`[out, in]`, as PyTorch's Linear stores it) rounded to bfloat16 and packed
/// for ``BFloat16Products/multiply(_:_:into:scratch:pool:)``, which computes `x · Wᵀ` with `x` rounded to
/// bfloat16 too and float32 sums: on AVX512-BF16 CPUs at about twice sgemm's rate.
public final class BFloat16PackedMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    let packed: UnsafeMutablePointer<UInt16>

    public init(packing w: MatrixView) {
        rows = w.rows
        columns = w.columns
        let count = rk_bf16_packed_count(w.rows, w.columns)
        packed = .allocate(capacity: Swift.max(1, count))
        rk_bf16_pack(w.base, Swift.max(w.rowStride, w.columns), w.rows, w.columns, packed)
    }

    deinit { packed.deallocate() }
}

/// A bfloat16 buffer that grows to the largest size asked for and is then reused.
final class BFloat16Buffer {
    private(set) var storage = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
    private var capacity = 1

    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt16> {
        if count > capacity {
            storage.deallocate()
            storage = .allocate(capacity: count)
            capacity = count
        }
        return storage
    }

    deinit { storage.deallocate() }
}

/// Inputs rounded to bfloat16 (and, for ``BFloat16Products/multiply(_:_:transposeB:into:alpha:scratch:)``,
/// the right-hand side packed), reused across products. One scratch serves one thread at a time.
public final class BFloat16Scratch: @unchecked Sendable {
    let rounded = BFloat16Buffer()
    let packed = BFloat16Buffer()

    public init() {}

    /// Room for `rows` rounded rows of `columns` values, for an operation that writes them directly
    /// (``Ops/softmaxRows(_:roundedInto:)``, ``Ops/addBiasGELU(_:bias:approximation:roundedInto:pool:)``).
    /// Valid until the scratch's next use.
    public func roundedRows(_ rows: Int, columns: Int) -> BFloat16Rows {
        let stride = (columns + 1) / 2 * 2
        return BFloat16Rows(base: rounded.reserve(Swift.max(1, rows * stride)), rows: rows, columns: columns, rowStride: stride)
    }
}

/// Rows of bfloat16 values (bit patterns), as the products take their left-hand side: an even row
/// stride, a zero after an odd row.
public struct BFloat16Rows: @unchecked Sendable {
    public let base: UnsafeMutablePointer<UInt16>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    public func rows(_ range: Range<Int>) -> BFloat16Rows {
        BFloat16Rows(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns, rowStride: rowStride)
    }
}

public enum BFloat16Products {
    /// Whether the AVX512-BF16 kernel runs here (otherwise a portable loop gives the same sums, slowly).
    public static var isNative: Bool { rk_bf16_native() != 0 }

    /// `out = alpha · round(x) · round(W)ᵀ + bias`, split by rows over `pool`.
    public static func multiply(_ x: MatrixView, _ w: BFloat16PackedMatrix, into out: MutableMatrixView,
                                alpha: Float = 1, bias: UnsafePointer<Float>? = nil,
                                scratch: BFloat16Scratch, pool: ThreadPool?) {
        precondition(x.columns == w.columns, "bf16 product: inner dimensions \(x.columns) and \(w.columns) differ")
        precondition(out.rows == x.rows && out.columns == w.rows, "bf16 product: result is \(out.rows)×\(out.columns), expected \(x.rows)×\(w.rows)")
        let rounded = scratch.roundedRows(x.rows, columns: x.columns)
        splitRows(x.rows, pool) { rows in
            let a = rounded.rows(rows)
            rk_bf16_round_rows(x.base + rows.lowerBound * x.rowStride, x.rowStride, rows.count, x.columns, a.base, a.rowStride)
            product(a, w, into: out.rows(rows), alpha: alpha, bias: bias)
        }
    }

    /// `out = alpha · a · round(W)ᵀ + bias` for rows already rounded, split by rows over `pool`.
    public static func multiply(_ a: BFloat16Rows, _ w: BFloat16PackedMatrix, into out: MutableMatrixView,
                                alpha: Float = 1, bias: UnsafePointer<Float>? = nil, pool: ThreadPool?) {
        precondition(a.columns == w.columns, "bf16 product: inner dimensions \(a.columns) and \(w.columns) differ")
        precondition(out.rows == a.rows && out.columns == w.rows, "bf16 product: result is \(out.rows)×\(out.columns), expected \(a.rows)×\(w.rows)")
        splitRows(a.rows, pool) { rows in product(a.rows(rows), w, into: out.rows(rows), alpha: alpha, bias: bias) }
    }

    private static func product(_ a: BFloat16Rows, _ w: BFloat16PackedMatrix, into out: MutableMatrixView,
                                alpha: Float, bias: UnsafePointer<Float>?) {
        rk_bf16_gemm_nt(a.base, a.rowStride, w.packed, a.rows, w.rows, w.columns, alpha, bias, out.base, out.rowStride)
    }

    /// Runs `body` on blocks of a few dozen rows, handed out as threads free up (a busy core does not
    /// hold the rest up); multiples of the kernel's 6 rows.
    private static func splitRows(_ m: Int, _ pool: ThreadPool?, _ body: (Range<Int>) -> Void) {
        guard m > 0 else { return }
        guard let pool, pool.threadCount > 1, m >= 12 * pool.threadCount else {
            body(0..<m)
            return
        }
        let block = Swift.max(48, (m + 4 * pool.threadCount - 1) / (4 * pool.threadCount) + 5) / 6 * 6
        pool.parallelFor((m + block - 1) / block) { i, _ in body((i * block)..<Swift.min(m, (i + 1) * block)) }
    }
}

extension BFloat16Products {
    /// `out = alpha · round(x) · round(op(b))` on the calling thread, `op(b)` = `bᵀ` with `transposeB`
    /// (as ``BLAS/gemm(_:transposeA:_:transposeB:into:alpha:beta:)``), `b` packed for this one product:
    /// for operands that change every call, such as attention's keys and values.
    public static func multiply(_ x: MatrixView, _ b: MatrixView, transposeB: Bool, into out: MutableMatrixView,
                                alpha: Float = 1, scratch: BFloat16Scratch) {
        let a = scratch.roundedRows(x.rows, columns: x.columns)
        rk_bf16_round_rows(x.base, x.rowStride, x.rows, x.columns, a.base, a.rowStride)
        multiply(a, b, transposeB: transposeB, into: out, alpha: alpha, scratch: scratch)
    }

    /// The same for rows already rounded (they may live in `scratch`: only its packing buffer is used).
    public static func multiply(_ a: BFloat16Rows, _ b: MatrixView, transposeB: Bool, into out: MutableMatrixView,
                                alpha: Float = 1, scratch: BFloat16Scratch) {
        let m = a.rows, k = a.columns
        let n = transposeB ? b.rows : b.columns
        precondition((transposeB ? b.columns : b.rows) == k, "bf16 product: inner dimensions differ")
        precondition(out.rows == m && out.columns == n, "bf16 product: result is \(out.rows)×\(out.columns), expected \(m)×\(n)")
        guard m > 0, n > 0 else { return }
        let packed = scratch.packed.reserve(rk_bf16_packed_count(n, k))
        if transposeB {
            rk_bf16_pack(b.base, b.rowStride, n, k, packed)
        } else {
            rk_bf16_pack_transposed(b.base, b.rowStride, n, k, packed)
        }
        rk_bf16_gemm_nt(a.base, a.rowStride, packed, m, n, k, alpha, nil, out.base, out.rowStride)
    }
}
