// Vector search benchmark, our side: exact search (FlatDenseIndex) and HNSW (HNSWIndex) over raw
// Float32 files, driven by benchmarks/vector_bench.py, which runs FAISS and hnswlib on the same
// vectors with the same thread counts and computes recall for all of them.
//
//   vector-bench import      --vectors base.f32 --dimension D --out FLATDIR [--vector-type f32|f16]
//   vector-bench flat        --index FLATDIR --queries q.f32 --k 10 --threads T --runs R --out ids.i32 [--batch B]
//   vector-bench hnsw-build  --index FLATDIR --m 16 --ef-construction 200 --threads T --out HNSWDIR
//   vector-bench hnsw-search --index HNSWDIR --queries q.f32 --k 10 --ef 16,32,64 --threads T --runs R --out PREFIX
//
// Each command prints one JSON object on stdout; result files hold `queries × k` Int32 row numbers
// (-1 where fewer than k were found). The HNSW graph stores vectors as its flat index does;
// `--batch B` searches B queries per call (default: all in one call); `bytes` is the index's size on
// disk. Release build: `swift build -c release --product vector-bench`.
import Foundation
import Retrieval
import Tensor

struct Options {
    var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let key = arguments[i]
            guard key.hasPrefix("--"), i + 1 < arguments.endIndex else { fail("bad argument \(key)") }
            values[String(key.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
    }

    func string(_ key: String) -> String {
        guard let value = values[key] else { fail("missing --\(key)") }
        return value
    }

    func int(_ key: String, default fallback: Int? = nil) -> Int {
        if values[key] == nil, let fallback { return fallback }
        guard let value = Int(string(key)) else { fail("--\(key) needs a number") }
        return value
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vector-bench: \(message)\n".utf8))
    exit(2)
}

func readFloats(_ path: String) -> [Float] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}

func writeInt32(_ values: [Int32], to path: String) {
    let data = values.withUnsafeBytes { Data($0) }
    guard FileManager.default.createFile(atPath: path, contents: data) else { fail("cannot write \(path)") }
}

/// The total size of the files in `directory`.
func diskBytes(_ directory: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.reduce(0) { total, name in
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[.size] as? NSNumber
        return total + (size?.intValue ?? 0)
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU time of the whole process (all threads): less sensitive than wall time to other jobs on a shared machine.
func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Times `body` by wall clock and process CPU time.
func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let wall = now(), cpu = cpuNow()
    try body()
    return (now() - wall, cpuNow() - cpu)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// Row numbers from ids "0", "1", ...
func rows(_ results: [[ScoredDocument]], k: Int) -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(results.count * k)
    for hits in results {
        for i in 0..<k { out.append(i < hits.count ? Int32(hits[i].id)! : -1) }
    }
    return out
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: vector-bench import|flat|hnsw-build|hnsw-search --option value ...") }
let options = Options(arguments[2...])

switch arguments[1] {
case "import":
    let dimension = options.int("dimension")
    let vectors = readFloats(options.string("vectors"))
    guard vectors.count % dimension == 0 else { fail("the vectors are not a multiple of \(dimension)") }
    let count = vectors.count / dimension
    let model = EmbeddingModelIdentity(name: "synthetic", fingerprint: "synthetic-\(count)x\(dimension)", dimension: dimension)
    guard let vectorType = VectorType(rawValue: options.values["vector-type"] ?? "f32") else { fail("--vector-type is f32 or f16") }
    let builder = try DenseIndexBuilder(destination: URL(fileURLWithPath: options.string("out")), model: model, source: nil,
                                        vectorType: vectorType)
    let batch = 50_000
    var start = builder.resumeCount
    while start < count {
        let end = min(start + batch, count)
        try builder.append(ids: (start..<end).map(String.init), vectors: Array(vectors[(start * dimension)..<(end * dimension)]))
        start = end
    }
    try builder.finish()
    emit(["count": count, "dimension": dimension, "vector_type": vectorType.rawValue, "bytes": diskBytes(options.string("out"))])

case "flat":
    let index = try FlatDenseIndex(directory: URL(fileURLWithPath: options.string("index")))
    let queries = readFloats(options.string("queries"))
    let k = options.int("k", default: 10), threads = options.int("threads", default: 1), runs = options.int("runs", default: 5)
    let queryCount = queries.count / index.dimension
    let batch = options.int("batch", default: queryCount)
    BLAS.threadCount = threads
    var times: [Double] = [], cpu: [Double] = []
    var last: [[ScoredDocument]] = []
    /// Every query, `batch` per search call.
    func searchAll() throws -> [[ScoredDocument]] {
        try stride(from: 0, to: queryCount, by: batch).flatMap { start in
            let end = min(start + batch, queryCount)
            return try index.search(Array(queries[(start * index.dimension)..<(end * index.dimension)]), k: k, threads: threads)
        }
    }
    _ = try searchAll()  // warm-up: pages, buffers
    for _ in 0..<runs {
        let t = try timed { last = try searchAll() }
        times.append(t.wall)
        cpu.append(t.cpu)
    }
    if let out = options.values["out"] { writeInt32(rows(last, k: k), to: out) }
    emit(["queries": queryCount, "threads": threads, "batch": batch, "vector_type": index.vectorType.rawValue,
          "seconds": times, "cpu_seconds": cpu,
          "qps": Double(queryCount) / median(times), "qps_cpu": Double(queryCount) / median(cpu)])

case "hnsw-build":
    let flat = try FlatDenseIndex(directory: URL(fileURLWithPath: options.string("index")))
    let parameters = HNSWParameters(m: options.int("m", default: 16), efConstruction: options.int("ef-construction", default: 200),
                                    seed: UInt64(options.int("seed", default: 100)))
    let threads = options.int("threads", default: 1)
    var index: HNSWIndex?
    let t = try timed { index = try HNSWIndex.build(from: flat, parameters: parameters, threads: threads) }
    let writeStart = now()
    try index!.write(to: URL(fileURLWithPath: options.string("out")))
    emit(["count": index!.count, "threads": threads, "build_seconds": t.wall, "build_cpu_seconds": t.cpu,
          "write_seconds": now() - writeStart, "max_level": index!.maxLevel, "vector_type": index!.vectorType.rawValue,
          "bytes": diskBytes(options.string("out"))])

case "hnsw-search":
    let openStart = now()
    let index = try HNSWIndex(directory: URL(fileURLWithPath: options.string("index")))
    let openSeconds = now() - openStart
    let queries = readFloats(options.string("queries"))
    let k = options.int("k", default: 10), threads = options.int("threads", default: 1), runs = options.int("runs", default: 5)
    let efs = options.string("ef").split(separator: ",").map { Int($0)! }
    let queryCount = queries.count / index.dimension
    // Touch every page once so that the first timed run does not pay for page faults.
    _ = try index.search(queries, k: k, efSearch: efs.max()!, threads: threads)
    var report: [String: Any] = [:]
    for ef in efs {
        var times: [Double] = [], cpu: [Double] = []
        var last: [[ScoredDocument]] = []
        for _ in 0..<runs {
            let t = try timed { last = try index.search(queries, k: k, efSearch: ef, threads: threads) }
            times.append(t.wall)
            cpu.append(t.cpu)
        }
        if let prefix = options.values["out"] { writeInt32(rows(last, k: k), to: "\(prefix)-ef\(ef).i32") }
        report[String(ef)] = ["seconds": times, "cpu_seconds": cpu, "qps": Double(queryCount) / median(times),
                              "qps_cpu": Double(queryCount) / median(cpu)]
    }
    emit(["queries": queryCount, "threads": threads, "open_seconds": openSeconds, "ef": report])

default:
    fail("unknown command \(arguments[1])")
}
