// Throughput of quantized GGUF products (release build):
// `swift run -c release quant-bench <file.gguf> [tensor …]`. For each tensor: one activation row
// (generation) and 64 rows (prompt processing), 1 and 2 threads, in GFLOP/s (2·rows·in·out per product),
// beside decode-once + sgemm on the same shapes.
import Foundation
import ModelFiles
import Tensor

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    FileHandle.standardError.write(Data("usage: quant-bench <file.gguf> [tensor …]\n".utf8))
    exit(2)
}
do {
    let file = try GGUFFile(path: path)
    var names = Array(arguments.dropFirst())
    if names.isEmpty {
        // The first 2-D tensor of each quantized type.
        var seen = Set<String>()
        for info in file.tensorInfos where info.ne.count == 2 && GGUFQuantizedMatrix.supports(info.type) && !info.name.contains("token_embd") {
            if seen.insert(info.type.name).inserted { names.append(info.name) }
        }
    }
    BLAS.threadCount = 1
    func seconds(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
    print("tensor                     type   out×in        rows thr  quantized GFLOP/s  sgemm GFLOP/s")
    for name in names {
        let matrix = try GGUFQuantizedMatrix(file: file, name: name)
        let w = try file.floatTensor(name)
        for rows in [1, 64] {
            let x = Matrix(rows: rows, columns: matrix.inputSize, values: (0..<(rows * matrix.inputSize)).map { Float(($0 * 7919) % 2001) / 1000 - 1 })
            let out = Matrix(rows: rows, columns: matrix.outputSize)
            for threads in [1, 2] {
                let pool = ThreadPool(threadCount: threads)
                let repeats = max(1, 2_000_000_000 / (2 * rows * matrix.inputSize * matrix.outputSize) / 20)
                let flops = 2.0 * Double(rows * matrix.inputSize * matrix.outputSize * repeats)
                let q = seconds { for _ in 0..<repeats { matrix.multiply(x.view, into: out.mutableView, pool: pool) } }
                let g = seconds { for _ in 0..<repeats { BLAS.gemm(x.view, w.matrix, transposeB: true, into: out.mutableView, pool: pool) } }
                let label = name.padding(toLength: 26, withPad: " ", startingAt: 0)
                print("\(label) \(matrix.info.type.name.padding(toLength: 5, withPad: " ", startingAt: 0))  \(String(format: "%5d×%-5d", matrix.outputSize, matrix.inputSize))  \(String(format: "%4d %3d  %17.1f  %13.1f", rows, threads, flops / q / 1e9, flops / g / 1e9))")
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("quant-bench: \(error)\n".utf8))
    exit(1)
}
