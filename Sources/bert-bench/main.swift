// Throughput of the BERT encoder and of sgemm on this machine.
//
//   swift build -c release --scratch-path .build-bert
//   .build-bert/release/bert-bench [model dir] [--texts 64] [--tokens 256] [--batch 32] [--threads 1,2] [--repeat 3]
//                                  [--precision float32|bfloat16] [--no-gemm]
//
// The model directory defaults to $REASONIR_MODELS/all-MiniLM-L6-v2 (else ./models/all-MiniLM-L6-v2).
// Inputs are synthetic token ids ([CLS] … [SEP], exactly --tokens long), so no tokenizer is needed.
import Foundation
import ModelFiles
import Models
import Tensor
import Tokenizers

struct Options {
    var model: String
    var texts = 64
    var tokens = 256
    var batch = 32
    var threads = [1, 2]
    var repeats = 3
    var skipGemm = false
    var precision = ComputePrecision.float32

    init(_ args: [String]) {
        let env = ProcessInfo.processInfo.environment["REASONIR_MODELS"] ?? "models"
        model = env + "/all-MiniLM-L6-v2"
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("missing value after \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--texts": texts = Int(value())!
            case "--tokens": tokens = Int(value())!
            case "--batch": batch = Int(value())!
            case "--threads": threads = value().split(separator: ",").map { Int($0)! }
            case "--repeat": repeats = Int(value())!
            case "--no-gemm": skipGemm = true
            case "--precision": precision = ComputePrecision(rawValue: value()) ?? { fatalError("precision: float32 or bfloat16") }()
            case let a where !a.hasPrefix("--"): model = a
            default: fatalError("unknown option \(args[i])")
            }
            i += 1
        }
    }
}

/// Wall-clock seconds of the fastest of `repeats` runs.
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return fastest
}

struct NoTokenizer: Tokenizer {
    func encode(_ text: String, addSpecialTokens: Bool, maxLength: Int?) -> Encoding { Encoding(ids: [], tokens: []) }
    func id(of token: String) -> Int32? { nil }
    var vocabularySize: Int { 0 }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
print("cores available: \(ThreadPool.availableProcessors)")

// MARK: sgemm

if !options.skipGemm {
    func gemmRate(m: Int, n: Int, k: Int, threads: Int, pooled: Bool) -> Double {
        let a = Matrix(rows: m, columns: k), w = Matrix(rows: n, columns: k), c = Matrix(rows: m, columns: n)
        for i in 0..<a.count { a.storage[i] = Float(i % 7) * 0.01 }
        for i in 0..<w.count { w.storage[i] = Float(i % 5) * 0.01 }
        let pool = ThreadPool(threadCount: threads)
        let run = {
            if pooled {
                BLAS.threadCount = 1
                BLAS.gemm(a.view, w.view, transposeB: true, into: c.mutableView, pool: pool)
            } else {
                BLAS.threadCount = threads
                BLAS.gemm(a.view, w.view, transposeB: true, into: c.mutableView)
            }
        }
        run()
        let seconds = best(options.repeats, run)
        return 2 * Double(m) * Double(n) * Double(k) / seconds / 1e9
    }
    print("\nsgemm (C = A·Wᵀ, Float32), best of \(options.repeats):")
    for (m, n, k, label) in [(1024, 1024, 1024, "1024×1024×1024"), (8192, 1536, 384, "8192×1536×384 (FFN up, batch 32×256)"),
                             (8192, 384, 1536, "8192×384×1536 (FFN down)")] {
        for t in options.threads {
            let openblas = gemmRate(m: m, n: n, k: k, threads: t, pooled: false)
            let pooled = t > 1 ? gemmRate(m: m, n: n, k: k, threads: t, pooled: true) : openblas
            print(String(format: "  %@  threads %d: %.1f GFLOP/s (OpenBLAS threads)%@", label, t, openblas,
                         t > 1 ? String(format: ", %.1f GFLOP/s (split over our pool)", pooled) : ""))
        }
    }
    // The per-head attention products (one thread; the pool runs heads side by side).
    func headRate(m: Int, n: Int, k: Int, transB: Bool) -> Double {
        let a = Matrix(rows: m, columns: k), b = transB ? Matrix(rows: n, columns: k) : Matrix(rows: k, columns: n)
        let c = Matrix(rows: m, columns: n)
        BLAS.threadCount = 1
        let reps = 200
        let seconds = best(options.repeats) { for _ in 0..<reps { BLAS.gemm(a.view, b.view, transposeB: transB, into: c.mutableView) } }
        return 2 * Double(m * n * k * reps) / seconds / 1e9
    }
    print(String(format: "  attention scores 256×256×32 (Q·Kᵀ): %.1f GFLOP/s; context 256×32×256 (P·V): %.1f GFLOP/s",
                 headRate(m: 256, n: 256, k: 32, transB: true), headRate(m: 256, n: 32, k: 256, transB: false)))
    BLAS.threadCount = 1
}

// MARK: encoder

let directory = URL(fileURLWithPath: options.model)
guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path)
    || FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors.index.json").path) else {
    print("\nno model at \(directory.path): pass a directory or set REASONIR_MODELS")
    exit(0)
}
let embedder = try SentenceTransformerEmbedder(directory: directory, tokenizer: NoTokenizer(), threads: 1, batchSize: options.batch,
                                               precision: options.precision)
let config = embedder.encoder.config
let T = min(options.tokens, embedder.maxSequenceLength)
var seed: UInt64 = 42
let sequences: [[Int32]] = (0..<options.texts).map { _ in
    [101] + (0..<(T - 2)).map { _ in
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Int32(1000 + Int((seed >> 33) % UInt64(config.vocabSize - 1000)))
    } + [102]
}
let H = Double(config.hiddenSize), I = Double(config.intermediateSize), L = Double(T)
let flopsPerText = Double(config.numHiddenLayers) * (2 * L * H * 3 * H + 2 * L * H * H + 4 * L * H * I + 4 * L * L * H)
print(String(format: "\n%@: %d texts × %d tokens, batch %d, %.2f GFLOP per text, %@", directory.lastPathComponent, options.texts, T, options.batch, flopsPerText / 1e9, options.precision.rawValue))
for t in options.threads {
    for mode in t > 1 ? [DenseParallelism.threadPool, .openBLAS] : [.threadPool] {
        embedder.setThreadCount(t, denseParallelism: mode)
        _ = try embedder.embed(tokenIDs: Array(sequences.prefix(options.batch)))  // warm-up: buffers, page-in
        let seconds = try best(options.repeats) { _ = try embedder.embed(tokenIDs: sequences) }
        let rate = Double(options.texts) / seconds
        print(String(format: "  threads %d (%@): %.2f texts/s, %.1f GFLOP/s effective", t,
                     mode == .threadPool ? "pool-split sgemm" : "OpenBLAS threads", rate, rate * flopsPerText / 1e9))
    }
}
