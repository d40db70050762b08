import CBLAS

/// Matrix products through OpenBLAS (`cblas_sgemm`).
public enum BLAS {
    /// OpenBLAS's own worker-thread count. This is process-wide state of the library.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(Swift.max(1, newValue))) }
    }

    /// `c = alpha · op(a) · op(b) + beta · c`, where `op(x)` is `x` or its transpose.
    /// With `beta == 0`, `c` need not be initialised.
    public static func gemm(_ a: MatrixView, transposeA: Bool = false,
                            _ b: MatrixView, transposeB: Bool = false,
                            into c: MutableMatrixView, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
        precondition(c.rows == m && c.columns == n, "gemm: result is \(c.rows)×\(c.columns), expected \(m)×\(n)")
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.base, Int32(leading(a)),
                    b.base, Int32(leading(b)),
                    beta, c.base, Int32(Swift.max(c.rowStride, c.columns, 1)))
    }

    /// The same product with the work split over `pool`: by rows of the result when there are enough
    /// of them, otherwise by columns. Each part is one `cblas_sgemm` call, so OpenBLAS should run
    /// single-threaded meanwhile (``threadCount`` = 1) for the parts to run side by side.
    public static func gemm(_ a: MatrixView, transposeA: Bool = false,
                            _ b: MatrixView, transposeB: Bool = false,
                            into c: MutableMatrixView, alpha: Float = 1, beta: Float = 0,
                            pool: ThreadPool?) {
        guard let pool, pool.threadCount > 1 else {
            gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: alpha, beta: beta)
            return
        }
        let m = c.rows, n = c.columns
        let k = transposeA ? a.rows : a.columns
        if m * n * k < 1 << 18 {  // too small to be worth the hand-off
            gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: alpha, beta: beta)
            return
        }
        let parts = pool.threadCount
        if m >= 32 * parts {
            // Row blocks of the result, about four per thread so that a thread slowed down by other
            // work on the machine does not hold up the rest (the pool hands blocks out as threads
            // free up), but at least 256 rows so each call amortises packing the weights; multiples
            // of 16 keep the kernel's register blocking intact.
            let target = Swift.max(256, (m + 4 * parts - 1) / (4 * parts))
            let block = Swift.min((m + parts - 1) / parts, target + 15) / 16 * 16
            let count = (m + block - 1) / block
            pool.parallelFor(count) { i, _ in
                let rows = (i * block)..<Swift.min(m, (i + 1) * block)
                let aPart = transposeA ? a.columns(rows) : a.rows(rows)
                gemm(aPart, transposeA: transposeA, b, transposeB: transposeB, into: c.rows(rows), alpha: alpha, beta: beta)
            }
        } else {
            let block = ((n + parts - 1) / parts + 15) / 16 * 16
            let count = (n + block - 1) / block
            pool.parallelFor(count) { i, _ in
                let cols = (i * block)..<Swift.min(n, (i + 1) * block)
                let bPart = transposeB ? b.rows(cols) : b.columns(cols)
                gemm(a, transposeA: transposeA, bPart, transposeB: transposeB, into: c.columns(cols), alpha: alpha, beta: beta)
            }
        }
    }

    private static func leading(_ v: MatrixView) -> Int { Swift.max(v.rowStride, v.columns, 1) }
}
