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

/// Activations rounded to bfloat16, reused across products (it grows to the largest input seen).
public final class BFloat16Scratch: @unchecked Sendable {
    private(set) var storage = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
    private var capacity = 1

    public init() {}

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        storage.deallocate()
        storage = .allocate(capacity: count)
        capacity = count
    }

    deinit { storage.deallocate() }
}

public enum BFloat16Products {
    /// Whether the AVX512-BF16 kernel runs here (otherwise a portable loop gives the same sums, slowly).
    public static var isNative: Bool { rk_bf16_native() != 0 }

    /// `out = round(x) · round(W)ᵀ`, split by rows over `pool`.
    public static func multiply(_ x: MatrixView, _ w: BFloat16PackedMatrix, into out: MutableMatrixView,
                                scratch: BFloat16Scratch, pool: ThreadPool?) {
        precondition(x.columns == w.columns, "bf16 product: inner dimensions \(x.columns) and \(w.columns) differ")
        precondition(out.rows == x.rows && out.columns == w.rows, "bf16 product: result is \(out.rows)×\(out.columns), expected \(x.rows)×\(w.rows)")
        let m = x.rows, n = w.rows, k = x.columns
        guard m > 0, n > 0 else { return }
        let lda = (k + 1) / 2 * 2
        scratch.reserve(m * lda)
        let a = scratch.storage
        func part(_ rows: Range<Int>) {
            let rounded = a + rows.lowerBound * lda
            rk_bf16_round_rows(x.base + rows.lowerBound * x.rowStride, x.rowStride, rows.count, k, rounded, lda)
            rk_bf16_gemm_nt(rounded, lda, w.packed, rows.count, n, k, out.base + rows.lowerBound * out.rowStride, out.rowStride)
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
