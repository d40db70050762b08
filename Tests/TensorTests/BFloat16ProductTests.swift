import CKernels
import Testing
import Tensor

/// Rounds to bfloat16 (nearest, ties to even), as the kernels do, and widens back.
private func bf16(_ x: Float) -> Float {
    var bits = x.bitPattern
    bits &+= 0x7fff &+ ((bits >> 16) & 1)
    return Float(bitPattern: bits & 0xffff_0000)
}

@Suite struct BFloat16ProductTests {
    /// Every edge: rows not a multiple of the 6-row kernel, columns not a multiple of the 64-column
    /// panel, an odd inner dimension, one thread and several.
    @Test(arguments: [(1, 1, 1), (5, 63, 7), (13, 64, 32), (37, 100, 33), (96, 130, 384), (101, 65, 1)])
    func productEqualsRoundedInputsSummedExactly(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var rng = TestRandom(seed: UInt64(m * 1000 + n * 10 + k))
        let a = rng.floats(m * k), w = rng.floats(n * k)
        let expected = naiveProduct(a.map(bf16), w.map(bf16), m: m, k: k, n: n, transposeB: true)
        let weights = Matrix(rows: n, columns: k, values: w), input = Matrix(rows: m, columns: k, values: a)
        let packed = BFloat16PackedMatrix(packing: weights.view)
        let portable = !BFloat16Products.isNative
        for threads in [1, 2] {
            let out = Matrix(rows: m, columns: n)
            BFloat16Products.multiply(input.view, packed, into: out.mutableView,
                                      scratch: BFloat16Scratch(), pool: ThreadPool(threadCount: threads))
            var worst = 0.0
            for i in 0..<(m * n) { worst = max(worst, abs(Double(out.storage[i]) - expected[i])) }
            // Products of bfloat16 values are exact in float32; only the float32 sums round.
            #expect(worst <= 1e-5 * Double(k).squareRoot(), "\(shape) portable \(portable) threads \(threads): max |diff| \(worst)")
        }
    }

    @Test func roundingIsToNearestEven() {
        // 1 + 2⁻⁸ is halfway between two bfloat16 values (ties to 1), 1 + 3·2⁻⁸ rounds up to even.
        let inputs: [Float] = [1, 1 + 1 / 256, 1 + 3 / 256, -2.5, 3.0e38, 1e-40, .infinity]
        let portable = !BFloat16Products.isNative
        do {
            var out = [UInt16](repeating: 0xffff, count: inputs.count + 1)
            rk_bf16_round_rows(inputs, inputs.count, 1, inputs.count, &out, out.count)
            for (i, x) in inputs.enumerated() {
                #expect(Float(bitPattern: UInt32(out[i]) << 16) == bf16(x), "portable \(portable): \(x)")
            }
            #expect(out[inputs.count] == 0, "an odd row is padded with zero")
            var nan = [UInt16](repeating: 0, count: 2)
            rk_bf16_round_rows([Float.nan], 1, 1, 1, &nan, 2)
            #expect(Float(bitPattern: UInt32(nan[0]) << 16).isNaN)
        }
    }
}

@Suite struct BFloat16OnTheFlyProductTests {
    /// Attention's products: `x · bᵀ` (keys) and `x · b` (values), b packed per call, on every edge.
    @Test(arguments: [(1, 1, 1), (7, 33, 5), (13, 64, 32), (70, 129, 32), (256, 32, 256), (9, 100, 63)])
    func productsWithOperandsPackedPerCall(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var rng = TestRandom(seed: UInt64(7 + m * 31 + n * 17 + k))
        let x = rng.floats(m * k), keys = rng.floats(n * k), values = rng.floats(k * n)
        let input = Matrix(rows: m, columns: k, values: x)
        let keyMatrix = Matrix(rows: n, columns: k, values: keys), valueMatrix = Matrix(rows: k, columns: n, values: values)
        let expectedT = naiveProduct(x.map(bf16), keys.map(bf16), m: m, k: k, n: n, transposeB: true)
        let expected = naiveProduct(x.map(bf16), values.map(bf16), m: m, k: k, n: n, transposeB: false)
        let portable = !BFloat16Products.isNative
        do {
            let scratch = BFloat16Scratch()
            for (transposed, b, reference) in [(true, keyMatrix, expectedT), (false, valueMatrix, expected)] {
                let out = Matrix(rows: m, columns: n)
                BFloat16Products.multiply(input.view, b.view, transposeB: transposed, into: out.mutableView, alpha: 0.5, scratch: scratch)
                var worst = 0.0
                for i in 0..<(m * n) { worst = max(worst, abs(Double(out.storage[i]) - 0.5 * reference[i])) }
                #expect(worst <= 1e-5 * Double(k).squareRoot(), "\(shape) transposeB \(transposed) portable \(portable): max |diff| \(worst)")
            }
        }
    }
}

@Suite struct BFloat16OutputTests {
    /// Softmax and GELU that write bfloat16 give exactly the float32 operation's result, rounded.
    @Test func softmaxAndGELUWriteTheirFloat32ResultsRounded() {
        var rng = TestRandom(seed: 99)
        let rows = 5, columns = 37  // odd: the padding zero is written too
        var values = rng.floats(rows * columns, scale: 6)
        values[3] = -.infinity
        for c in 0..<columns { values[2 * columns + c] = -.infinity }  // a row that is all -inf
        let bias = rng.floats(columns)
        let portable = !BFloat16Products.isNative
        do {
            let scratch = BFloat16Scratch()
            for operation in ["softmax", "gelu"] {
                let reference = Matrix(rows: rows, columns: columns, values: values)
                let input = Matrix(rows: rows, columns: columns, values: values)
                let rounded = scratch.roundedRows(rows, columns: columns)
                for i in 0..<(rows * rounded.rowStride) { rounded.base[i] = 0xffff }
                if operation == "softmax" {
                    Ops.softmaxRows(reference.mutableView)
                    Ops.softmaxRows(input.mutableView, roundedInto: rounded)
                } else {
                    bias.withUnsafeBufferPointer { b in
                        for r in 0..<rows { for c in 0..<columns where reference[r, c] == -.infinity { reference[r, c] = 0; input[r, c] = 0 } }
                        Ops.addBiasGELU(reference.mutableView, bias: b.baseAddress)
                        Ops.addBiasGELU(input.mutableView, bias: b.baseAddress, roundedInto: rounded)
                    }
                }
                for r in 0..<rows {
                    for c in 0..<columns {
                        let got = Float(bitPattern: UInt32(rounded.base[r * rounded.rowStride + c]) << 16)
                        #expect(got == bf16(reference[r, c]), "\(operation) portable \(portable) [\(r), \(c)]: \(got) vs \(reference[r, c])")
                    }
                    #expect(rounded.base[r * rounded.rowStride + columns] == 0, "\(operation): padding")
                }
            }
        }
    }
}
