import CKernels
import Foundation
import Testing
import Tensor

/// A deterministic generator (SplitMix64) for test data.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float() * scale } }
}

func naiveProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, transposeB: Bool) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j]) }
            c[i * n + j] = s
        }
    }
    return c
}

@Suite struct GemmTests {
    @Test func gemmMatchesNaiveProduct() {
        var rng = TestRandom(seed: 1)
        let m = 37, k = 53, n = 29
        let a = rng.floats(m * k), b = rng.floats(k * n), bt = rng.floats(n * k)
        let A = Matrix(rows: m, columns: k, values: a)
        let B = Matrix(rows: k, columns: n, values: b)
        let BT = Matrix(rows: n, columns: k, values: bt)
        let C = Matrix(rows: m, columns: n)
        BLAS.gemm(A.view, B.view, into: C.mutableView)
        let ref = naiveProduct(a, b, m: m, k: k, n: n, transposeB: false)
        #expect(zip(C.toArray(), ref).map { abs(Double($0) - $1) }.max()! < 1e-4)
        BLAS.gemm(A.view, BT.view, transposeB: true, into: C.mutableView)
        let refT = naiveProduct(a, bt, m: m, k: k, n: n, transposeB: true)
        #expect(zip(C.toArray(), refT).map { abs(Double($0) - $1) }.max()! < 1e-4)
    }

    @Test func gemmOnStridedViewsAndAccumulate() {
        var rng = TestRandom(seed: 2)
        // A 10×12 matrix whose columns 4..<8 are one operand; write into columns 2..<5 of a 6-wide result.
        let big = Matrix(rows: 10, columns: 12, values: rng.floats(120))
        let a = big.view.columns(4..<8)
        let b = Matrix(rows: 3, columns: 4, values: rng.floats(12))
        let c = Matrix(rows: 10, columns: 6, values: [Float](repeating: 1, count: 60))
        BLAS.gemm(a, b.view, transposeB: true, into: c.mutableView.columns(2..<5), alpha: 2, beta: 1)
        for i in 0..<10 {
            for j in 0..<6 {
                var expected: Float = 1
                if (2..<5).contains(j) {
                    var s: Float = 0
                    for p in 0..<4 { s += a[i, p] * b[j - 2, p] }
                    expected = 1 + 2 * s
                }
                #expect(abs(c[i, j] - expected) < 1e-4)
            }
        }
    }

    @Test func parallelGemmEqualsSingleCall() {
        var rng = TestRandom(seed: 3)
        let pool = ThreadPool(threadCount: 3)
        for (m, k, n) in [(300, 64, 96), (8, 384, 1536)] {
            let A = Matrix(rows: m, columns: k, values: rng.floats(m * k))
            let W = Matrix(rows: n, columns: k, values: rng.floats(n * k))
            let C1 = Matrix(rows: m, columns: n), C2 = Matrix(rows: m, columns: n)
            BLAS.gemm(A.view, W.view, transposeB: true, into: C1.mutableView)
            BLAS.gemm(A.view, W.view, transposeB: true, into: C2.mutableView, pool: pool)
            #expect(zip(C1.toArray(), C2.toArray()).map { abs($0 - $1) }.max()! < 1e-4)
        }
    }
}

// The path under test is the process's CPU level: scripts/test-cpu-levels.sh runs this suite at
// every level the machine has (REASONIR_CPU).
@Suite struct KernelTests {
    @Test func erfIsAccurate() {
        var xs = [Float]()
        var x: Float = -6
        while x <= 6 { xs.append(x); x += 0.00037 }
        xs += [0, -0, 1, -1, 4, -4, .infinity, -.infinity]
        do {
            let ys = Ops.erf(xs)
            var worst = 0.0
            for (x, y) in zip(xs, ys) { worst = max(worst, abs(Double(y) - Foundation.erf(Double(x)))) }
            #expect(worst < 2e-7, "level \(CPULevel.current): max |erf error| \(worst)")
        }
    }

    @Test func expIsAccurate() {
        var xs = [Float]()
        var x: Float = -100
        while x <= 80 { xs.append(x); x += 0.0131 }
        xs += [0, -.infinity, -87, -88, -1e-8]
        do {
            let ys = Ops.exp(xs)
            var worst = 0.0
            for (x, y) in zip(xs, ys) {
                let ref = Foundation.exp(Double(x))
                if ref < 1e-37 { #expect(y >= 0 && y < 1e-37); continue }
                worst = max(worst, abs(Double(y) - ref) / ref)
            }
            #expect(worst < 3e-7, "level \(CPULevel.current): max relative exp error \(worst)")
        }
    }

    @Test func geluMatchesDefinition() {
        var rng = TestRandom(seed: 4)
        let rows = 7, cols = 45  // not a multiple of 8: vector body and scalar tail
        let values = rng.floats(rows * cols, scale: 6)
        let bias = rng.floats(cols)
        do {
            let m = Matrix(rows: rows, columns: cols, values: values)
            bias.withUnsafeBufferPointer { Ops.addBiasGELU(m.mutableView, bias: $0.baseAddress) }
            let t = Matrix(rows: rows, columns: cols, values: values)
            bias.withUnsafeBufferPointer { Ops.addBiasGELU(t.mutableView, bias: $0.baseAddress, approximation: .tanh) }
            for r in 0..<rows {
                for c in 0..<cols {
                    let v = Double(values[r * cols + c] + bias[c])
                    let exact = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
                    let tanhForm = 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
                    #expect(abs(Double(m[r, c]) - exact) < 1e-6)
                    #expect(abs(Double(t[r, c]) - tanhForm) < 1e-6)
                }
            }
        }
    }

    @Test func layerNormMatchesDefinition() {
        var rng = TestRandom(seed: 5)
        let rows = 5, cols = 67
        let x = rng.floats(rows * cols, scale: 3), res = rng.floats(rows * cols), bias = rng.floats(cols)
        let gamma = rng.floats(cols), beta = rng.floats(cols)
        do {
            let X = Matrix(rows: rows, columns: cols, values: x)
            let R = Matrix(rows: rows, columns: cols, values: res)
            var means = [Float](repeating: 0, count: rows), rstds = means
            // In place into the residual, as the encoder does.
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    bias.withUnsafeBufferPointer { bi in
                        means.withUnsafeMutableBufferPointer { mp in
                            rstds.withUnsafeMutableBufferPointer { rp in
                                Ops.addLayerNorm(into: R.mutableView, X.view, bias: bi.baseAddress, residual: R.view,
                                                 gamma: g.baseAddress!, beta: b.baseAddress!, epsilon: 1e-12,
                                                 mean: mp.baseAddress, reciprocalStd: rp.baseAddress)
                            }
                        }
                    }
                }
            }
            for r in 0..<rows {
                let v = (0..<cols).map { Double(x[r * cols + $0]) + Double(bias[$0]) + Double(res[r * cols + $0]) }
                let mean = v.reduce(0, +) / Double(cols)
                let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
                let rstd = 1 / (variance + 1e-12).squareRoot()
                #expect(abs(Double(means[r]) - mean) < 1e-5)
                #expect(abs(Double(rstds[r]) - rstd) / rstd < 1e-5)
                for c in 0..<cols {
                    let expected = (v[c] - mean) * rstd * Double(gamma[c]) + Double(beta[c])
                    #expect(abs(Double(R[r, c]) - expected) < 1e-5)
                }
            }
        }
    }

    @Test func softmaxRowsWithMaskedEntries() {
        let values: [Float] = [1, 2, 3, -.infinity, 0.5, 1000, 1000, -1000, 3, 2, 1, 0,
                               -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity]
        do {
            let m = Matrix(rows: 3, columns: 6, values: values)
            Ops.softmaxRows(m.mutableView)
            for r in 0..<2 {
                let row = (0..<6).map { Double(values[r * 6 + $0]) }
                let mx = row.max()!
                let e = row.map { Foundation.exp($0 - mx) }
                let s = e.reduce(0, +)
                for c in 0..<6 { #expect(abs(Double(m[r, c]) - e[c] / s) < 1e-6) }
            }
            #expect(m.view.row(2).allSatisfy { $0 == 0 })
        }
    }

    @Test func halfAndBFloat16Conversions() {
        // 1, -2, 65504 (max half), smallest subnormal, a subnormal, -0, inf, 0.333…
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0200, 0x8000, 0x7C00, 0x3555, 0x3C00, 0x4248]
        let expected: [Float] = [1, -2, 65504, 5.9604645e-8, 3.0517578e-5, -0.0, .infinity, 0.33325195, 1, 3.140625]
        do {
            var out = [Float](repeating: 0, count: halves.count)
            halves.withUnsafeBufferPointer { h in out.withUnsafeMutableBufferPointer { rk_f16_to_f32(h.baseAddress, $0.baseAddress, h.count) } }
            #expect(out == expected)
            #expect(out[5].sign == .minus)
        }
        let bf: [UInt16] = [0x3F80, 0xC049, 0x0000, 0x7F80]
        var out = [Float](repeating: 0, count: 4)
        bf.withUnsafeBufferPointer { h in out.withUnsafeMutableBufferPointer { rk_bf16_to_f32(h.baseAddress, $0.baseAddress, 4) } }
        #expect(out == [1, -3.140625, 0, .infinity])
    }
}

@Suite struct ThreadPoolTests {
    @Test func everyIndexRunsOnceOnValidWorkers() {
        let pool = ThreadPool(threadCount: 4)
        for count in [1, 2, 3, 17, 1000] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
            hits.initialize(repeating: 0, count: count)
            defer { hits.deallocate() }
            let workersSeen = UnsafeMutablePointer<Int>.allocate(capacity: 4)
            workersSeen.initialize(repeating: 0, count: 4)
            defer { workersSeen.deallocate() }
            pool.parallelFor(count) { i, w in
                hits[i] += 1
                precondition(w >= 0 && w < 4)
            }
            #expect((0..<count).allSatisfy { hits[$0] == 1 })
        }
    }

    @Test func chunksCoverTheRangeAndNestedLoopsRunInline() {
        let pool = ThreadPool(threadCount: 2)
        let total = 1001
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: total)
        hits.initialize(repeating: 0, count: total)
        defer { hits.deallocate() }
        pool.parallelChunks(total, minimumChunk: 10) { range, worker in
            for i in range { hits[i] += 1 }
            // A nested loop on the same pool must not deadlock and keeps the worker index.
            pool.parallelFor(3) { _, inner in precondition(inner == worker) }
        }
        #expect((0..<total).allSatisfy { hits[$0] == 1 })
        for n in 1...7 {
            var covered = 0
            for c in 0..<n { let r = ThreadPool.chunk(c, of: n, total: 50); #expect(r.lowerBound == covered); covered = r.upperBound }
            #expect(covered == 50)
        }
    }

    @Test func poolsCanBeCreatedAndDropped() {
        for _ in 0..<20 {
            let pool = ThreadPool(threadCount: 3)
            let sum = UnsafeMutablePointer<Int>.allocate(capacity: 10)
            sum.initialize(repeating: 0, count: 10)
            pool.parallelFor(10) { i, _ in sum[i] = i }
            #expect((0..<10).reduce(0) { $0 + sum[$1] } == 45)
            sum.deallocate()
        }
    }
}
