import CKernels
import Foundation
import Tensor

/// Exact inner-product search over memory-mapped vectors: query batches times document blocks
/// through sgemm, each block's scores folded into per-query top-k heaps. With L2-normalised
/// vectors the inner product is the cosine. Float16 vectors are widened a block at a time into a
/// Float32 tile for sgemm; one or a few queries skip the tile and go through a SIMD f16·f32 kernel.
///
/// Immutable after opening, hence `Sendable`.
public final class FlatDenseIndex: Sendable {
    public let directory: URL
    public let manifest: DenseManifest
    private let vectorsFile: MappedFile
    private let idsFile: MappedFile
    /// The largest stored vector's norm, measured on the first search (it bounds sgemm's error).
    private let maxNorm = Lazy<Float>()

    public var count: Int { manifest.count }
    public var dimension: Int { manifest.dimension }
    public var vectorType: VectorType { manifest.storedType }

    /// Opens the index; with `model`, refuses an index made by another model.
    public init(directory: URL, model: EmbeddingModelIdentity? = nil) throws {
        self.directory = directory
        manifest = try VectorIndexError.readManifest(DenseManifest.self, in: directory, format: DenseIndexFormat.name,
                                                     version: DenseIndexFormat.version)
        if let model, model != manifest.model {
            throw VectorIndexError.modelMismatch(path: directory.path, found: "\(manifest.model.name) (\(manifest.model.fingerprint))",
                                                 expected: "\(model.name) (\(model.fingerprint))")
        }
        let vectorsPath = directory.appendingPathComponent(manifest.storedType.vectorsFile).path
        do {
            vectorsFile = try MappedFile(path: vectorsPath)
            idsFile = try MappedFile(path: directory.appendingPathComponent(DenseIndexFormat.idsFile).path)
        } catch {
            throw VectorIndexError.corrupt(path: directory.path, reason: "\(error)")
        }
        let expected = manifest.count * manifest.dimension * manifest.storedType.bytesPerValue
        guard vectorsFile.size == manifest.vectorBytes, manifest.vectorBytes == expected else {
            throw VectorIndexError.corrupt(path: vectorsFile.path, reason: "size is \(vectorsFile.size) bytes, expected \(expected)")
        }
        guard idsFile.size >= 8 * (manifest.count + 1), idOffset(manifest.count) == idsFile.size - 8 * (manifest.count + 1) else {
            throw VectorIndexError.corrupt(path: idsFile.path, reason: "the id table does not match \(manifest.count) documents")
        }
    }

    private func idOffset(_ index: Int) -> Int {
        Int(UInt64(littleEndian: idsFile.bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
    }

    public func documentID(at index: Int) -> String {
        let base = 8 * (count + 1)
        let start = idOffset(index), end = idOffset(index + 1)
        return String(decoding: UnsafeRawBufferPointer(rebasing: idsFile.bytes[(base + start)..<(base + end)]), as: UTF8.self)
    }

    /// The stored vectors as a `count × dimension` Float32 matrix; nil for Float16 storage.
    public var floatVectors: MatrixView? {
        guard vectorType == .f32 else { return nil }
        return MatrixView(base: vectorsFile.bytes.baseAddress!.assumingMemoryBound(to: Float.self), rows: count, columns: dimension)
    }

    /// The stored rows as they are on disk (`vectorType`), row-major; nil when empty.
    public var encodedVectors: UnsafeRawPointer? { vectorsFile.base }

    /// The bytes of rows `range`, as stored (to copy them into another index of the same type).
    public func encodedRows(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        let rowBytes = dimension * vectorType.bytesPerValue
        return vectorsFile.bytes(range.lowerBound * rowBytes..<range.upperBound * rowBytes)
    }

    /// The vector of document `index`, widened to Float32.
    public func vector(at index: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: dimension) { buffer, initialized in
            vectorType.decode(encodedRows(index..<(index + 1)).baseAddress!, count: dimension, into: buffer.baseAddress!)
            initialized = dimension
        }
    }

    /// Recomputes the vectors' checksum.
    public func verify() throws {
        var checksum = FNV1a64()
        checksum.update(vectorsFile.bytes)
        guard checksum.hex == manifest.vectorChecksum else {
            throw VectorIndexError.corrupt(path: vectorsFile.path, reason: "checksum mismatch")
        }
    }

    /// For each query vector (row-major, `queries.count / dimension` rows), the `k` best documents.
    /// Ties keep corpus order, as a stable argsort does. `excluding` drops ids per query.
    ///
    /// The documents are cut into blocks of `blockSize`; `threads` workers take blocks in turn, each
    /// multiplying a chunk of queries by its block (single-threaded sgemm) and folding the scores
    /// into its own top-k heaps with a vectorised threshold test; the workers' heaps are merged at
    /// the end. OpenBLAS is set to one thread meanwhile (a process-wide setting, restored after).
    ///
    /// sgemm's sums depend on the matrix shapes (OpenBLAS's edge kernels add in another order), so
    /// its scores are only candidates: the returned scores come from a kernel that sums every
    /// document the same way wherever it lies (`DeterministicScores`), and the results are the
    /// same for every block size and thread count.
    public func search(_ queries: [Float], k: Int, excluding: [Set<String>]? = nil,
                       blockSize: Int = 1024, threads: Int = defaultThreadCount) throws -> [[ScoredDocument]] {
        guard queries.count % dimension == 0 else {
            throw VectorIndexError.wrongDimension(expected: dimension, found: queries.count)
        }
        let queryCount = queries.count / dimension
        guard queryCount > 0, count > 0, k > 0 else { return Array(repeating: [], count: queryCount) }
        guard queries.allSatisfy(\.isFinite) else { throw VectorIndexError.notFinite(id: "<query>") }
        let excludedIndexes: [Set<Int>] = excluding.map { lists in
            let wanted = Set(lists.flatMap { $0 })
            var map: [String: Int] = [:]
            if !wanted.isEmpty { for i in 0..<count where wanted.contains(documentID(at: i)) { map[documentID(at: i)] = i } }
            return lists.map { Set($0.compactMap { map[$0] }) }
        } ?? []
        // Keep enough candidates that k remain once a query's excluded documents are dropped, and a
        // margin for the scores that sgemm's rounding moves across the k-th.
        let wanted = k + (excludedIndexes.map(\.count).max() ?? 0)
        let heapSize = Swift.min(count, wanted + Swift.max(16, wanted / 4))
        let block = Swift.max(1, Swift.min(blockSize, count))
        let blocks = (count + block - 1) / block
        let workers = Swift.max(1, Swift.min(threads, blocks))
        let queryChunk = Swift.min(queryCount, Self.queryChunk)

        // Per worker: a score block, top-k heaps for every query, and for Float16 a Float32 tile.
        let scoreBuffers = (0..<workers).map { _ in Matrix(rows: queryChunk, columns: block) }
        let tiles = vectorType == .f16 && queryCount > Self.halfKernelQueries
            ? (0..<workers).map { _ in Matrix(rows: block, columns: dimension) } : []
        var heapScores = [Float](repeating: 0, count: workers * queryCount * heapSize)
        var heapIDs = [Int64](repeating: 0, count: workers * queryCount * heapSize)
        var heapCounts = [Int32](repeating: 0, count: workers * queryCount)
        let savedBLASThreads = BLAS.threadCount
        BLAS.threadCount = 1
        defer { BLAS.threadCount = savedBLASThreads }
        let pool = workers > 1 ? ThreadPool(threadCount: workers) : nil
        queries.withUnsafeBufferPointer { queryBuffer in
            heapScores.withUnsafeMutableBufferPointer { hs in
                heapIDs.withUnsafeMutableBufferPointer { hi in
                    heapCounts.withUnsafeMutableBufferPointer { hc in
                        let (hsBase, hiBase, hcBase) = (hs.baseAddress!, hi.baseAddress!, hc.baseAddress!)
                        // One block of documents against query chunks `chunks`, folded into the worker's heaps.
                        let body = { (b: Int, worker: Int, chunks: Range<Int>) in
                            let start = b * block, end = Swift.min(start + block, self.count)
                            let documents = self.rows(start..<end, tile: tiles.isEmpty ? nil : tiles[worker])
                            for c in chunks {
                                let q0 = c * queryChunk, q1 = Swift.min(q0 + queryChunk, queryCount)
                                let chunk = MatrixView(base: queryBuffer.baseAddress! + q0 * self.dimension, rows: q1 - q0,
                                                       columns: self.dimension)
                                let out = scoreBuffers[worker].mutableView.rows(0..<(q1 - q0)).columns(0..<(end - start))
                                if let documents {
                                    BLAS.gemm(chunk, documents, transposeB: true, into: out)
                                } else {
                                    self.halfKernelScores(chunk, against: start..<end, into: out)
                                }
                                let offset = worker * queryCount + q0
                                rk_topk_fold(out.base, out.rowStride, q1 - q0, end - start, Int64(start), heapSize,
                                             hsBase + offset * heapSize, hiBase + offset * heapSize, hcBase + offset)
                            }
                        }
                        let run = { (chunks: Range<Int>) in
                            if let pool {
                                pool.parallelFor(blocks) { b, worker in body(b, worker, chunks) }
                            } else {
                                for b in 0..<blocks { body(b, 0, chunks) }
                            }
                        }
                        let chunks = (queryCount + queryChunk - 1) / queryChunk
                        if tiles.isEmpty {
                            // A chunk of queries over every block, chunk after chunk: its scores stay in cache.
                            for c in 0..<chunks { run(c..<(c + 1)) }
                        } else {
                            // Float16 tiles: each block is widened once, for every chunk.
                            run(0..<chunks)
                        }
                    }
                }
            }
        }
        // Merge the workers' heaps into each query's candidates, then score them exactly.
        let bound = scoreErrorBound
        return (0..<queryCount).map { q in
            var candidates: [(index: Int, score: Float)] = []
            candidates.reserveCapacity(workers * heapSize)
            // Every document a full heap turned away scored at most its worst kept.
            var rejectedAtMost = -Float.infinity
            for w in 0..<workers {
                let offset = (w * queryCount + q)
                let kept = Int(heapCounts[offset])
                var worst = Float.infinity
                for j in 0..<kept {
                    let score = heapScores[offset * heapSize + j]
                    candidates.append((Int(heapIDs[offset * heapSize + j]), score))
                    worst = Swift.min(worst, score)
                }
                if kept == heapSize { rejectedAtMost = Swift.max(rejectedAtMost, worst) }
            }
            let query = Array(queries[(q * dimension)..<((q + 1) * dimension)])
            let skip = q < excludedIndexes.count ? excludedIndexes[q] : []
            let hits = DeterministicScores.topK(k, query: query, candidates: candidates, rejectedAtMost: rejectedAtMost,
                                                excluding: skip, errorBound: bound(query), index: self)
            return hits.map { ScoredDocument(id: documentID(at: $0.index), score: Double($0.score)) }
        }
    }

    /// The bound on sgemm's score error for a query (see `DeterministicScores`).
    private var scoreErrorBound: ([Float]) -> Float {
        let norm = maxNorm.value { DeterministicScores.maxNorm(of: self) }, dimension = self.dimension
        return { DeterministicScores.errorBound(query: $0, maxNorm: norm, dimension: dimension) }
    }

    /// Documents `range` as a Float32 matrix for sgemm: the stored rows themselves, or Float16 rows
    /// widened into `tile`; nil for Float16 without a tile (scored by the f16·f32 kernel).
    private func rows(_ range: Range<Int>, tile: Matrix?) -> MatrixView? {
        if let floats = floatVectors { return floats.rows(range) }
        guard let tile else { return nil }
        rk_f16_to_f32(encodedVectors!.assumingMemoryBound(to: UInt16.self) + range.lowerBound * dimension, tile.storage,
                      range.count * dimension)
        return tile.view.rows(0..<range.count)
    }

    /// Scores of `queries` against the Float16 documents `range`, through the f16·f32 kernel.
    private func halfKernelScores(_ queries: MatrixView, against range: Range<Int>, into out: MutableMatrixView) {
        let halves = encodedVectors!.assumingMemoryBound(to: UInt16.self) + range.lowerBound * dimension
        for q in 0..<queries.rows {
            rk_dot_f16_rows(queries.base + q * queries.rowStride, halves, range.count, dimension, out.base + q * out.rowStride)
        }
    }

    /// Float16 storage: up to this many queries go through the f16·f32 kernel (reading half the
    /// bytes of a Float32 tile, with no widening pass); more share one widened tile and sgemm.
    static let halfKernelQueries = 4

    /// Queries multiplied at once: with 1024-document blocks, a 256-query chunk's scores (1 MiB) stay in L2.
    static let queryChunk = 256
}
