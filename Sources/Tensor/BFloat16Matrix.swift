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
        let m = x.rows, n = w.rows, k = x.columns
        guard m > 0, n > 0 else { return }
        let lda = (k + 1) / 2 * 2
        let a = scratch.rounded.reserve(m * lda)
        func part(_ rows: Range<Int>) {
            let rounded = a + rows.lowerBound * lda
            rk_bf16_round_rows(x.base + rows.lowerBound * x.rowStride, x.rowStride, rows.count, k, rounded, lda)
            rk_bf16_gemm_nt(rounded, lda, w.packed, rows.count, n, k, alpha, bias,
                            out.base + rows.lowerBound * out.rowStride, out.rowStride)
        }
        guard let pool, pool.threadCount > 1, m >= 12 * pool.threadCount else {
            part(0..<m)
            return
        }
        // Blocks of a few dozen rows, handed out as threads free up (a busy core does not hold the rest up).
        let block = Swift.max(48, (m + 4 * pool.threadCount - 1) / (4 * pool.threadCount) + 5) / 6 * 6
        pool.parallelFor((m + block - 1) / block) { i, _ in
            part((i * block)..<Swift.min(m, (i + 1) * block))
        }
    }
}

extension BFloat16Products {
    /// `out = alpha · round(x) · round(op(b))` on the calling thread, `op(b)` = `bᵀ` with `transposeB`
    /// (as ``BLAS/gemm(_:transposeA:_:transposeB:into:alpha:beta:)``), `b` packed for this one product:
    /// for operands that change every call, such as attention's keys and values.
    public static func multiply(_ x: MatrixView, _ b: MatrixView, transposeB: Bool, into out: MutableMatrixView,
                                alpha: Float = 1, scratch: BFloat16Scratch) {
        let m = x.rows, k = x.columns
        let n = transposeB ? b.rows : b.columns
        precondition((transposeB ? b.columns : b.rows) == k, "bf16 product: inner dimensions differ")
        precondition(out.rows == m && out.columns == n, "bf16 product: result is \(out.rows)×\(out.columns), expected \(m)×\(n)")
        guard m > 0, n > 0 else { return }
        let lda = (k + 1) / 2 * 2
        let a = scratch.rounded.reserve(m * lda)
        rk_bf16_round_rows(x.base, x.rowStride, m, k, a, lda)
        let packed = scratch.packed.reserve(rk_bf16_packed_count(n, k))
        if transposeB {
            rk_bf16_pack(b.base, b.rowStride, n, k, packed)
        } else {
            rk_bf16_pack_transposed(b.base, b.rowStride, n, k, packed)
        }
        rk_bf16_gemm_nt(a, lda, packed, m, n, k, alpha, nil, out.base, out.rowStride)
    }
}
