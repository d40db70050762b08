import Foundation
import Tensor

/// Exact inner-product search over memory-mapped Float32 vectors: query batches times document
/// blocks through sgemm, each block's scores folded into per-query top-k heaps.
/// With L2-normalised vectors the inner product is the cosine.
///
/// Immutable after opening, hence `Sendable`.
public final class FlatDenseIndex: Sendable {
    public let directory: URL
    public let manifest: DenseManifest
    private let vectorsFile: MappedFile
    private let idsFile: MappedFile

    public var count: Int { manifest.count }
    public var dimension: Int { manifest.dimension }

    /// Opens the index; with `model`, refuses an index made by another model.
    public init(directory: URL, model: EmbeddingModelIdentity? = nil) throws {
        self.directory = directory
        let manifestURL = directory.appendingPathComponent(DenseIndexFormat.manifestFile)
        guard let data = try? Data(contentsOf: manifestURL),
              let probe = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              probe["format"] as? String == DenseIndexFormat.name else {
            throw DenseIndexError.notAnIndex(path: directory.path)
        }
        if let version = probe["formatVersion"] as? Int, version != DenseIndexFormat.version {
            throw DenseIndexError.otherFormatVersion(path: directory.path, found: version, expected: DenseIndexFormat.version)
        }
        do {
            manifest = try JSONDecoder().decode(DenseManifest.self, from: data)
        } catch {
            throw DenseIndexError.corrupt(path: manifestURL.path, reason: "unreadable manifest (\(error))")
        }
        if let model, model != manifest.model {
            throw DenseIndexError.modelMismatch(path: directory.path, found: "\(manifest.model.name) (\(manifest.model.fingerprint))",
                                                expected: "\(model.name) (\(model.fingerprint))")
        }
        vectorsFile = try MappedFile(path: directory.appendingPathComponent(DenseIndexFormat.vectorsFile).path)
        idsFile = try MappedFile(path: directory.appendingPathComponent(DenseIndexFormat.idsFile).path)
        guard vectorsFile.size == manifest.vectorBytes, manifest.vectorBytes == manifest.count * manifest.dimension * 4 else {
            throw DenseIndexError.corrupt(path: vectorsFile.path, reason: "size is \(vectorsFile.size) bytes, expected \(manifest.count * manifest.dimension * 4)")
        }
        guard idsFile.size >= 8 * (manifest.count + 1), idOffset(manifest.count) == idsFile.size - 8 * (manifest.count + 1) else {
            throw DenseIndexError.corrupt(path: idsFile.path, reason: "the id table does not match \(manifest.count) documents")
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

    /// The stored vectors as a `count × dimension` matrix view.
    public var vectors: MatrixView {
        MatrixView(base: vectorsFile.bytes.baseAddress!.assumingMemoryBound(to: Float.self), rows: count, columns: dimension)
    }

    /// The vector of document `index`.
    public func vector(at index: Int) -> UnsafeBufferPointer<Float> { vectors.row(index) }

    /// Recomputes the vectors' checksum.
    public func verify() throws {
        var checksum = FNV1a64()
        checksum.update(vectorsFile.bytes)
        guard checksum.hex == manifest.vectorChecksum else {
            throw DenseIndexError.corrupt(path: vectorsFile.path, reason: "checksum mismatch")
        }
    }

    /// For each query vector (row-major, `queries.count / dimension` rows), the `k` best documents.
    /// Ties keep corpus order, as a stable argsort does. `excluding` drops ids per query.
    public func search(_ queries: [Float], k: Int, excluding: [Set<String>]? = nil,
                       blockSize: Int = 16384) throws -> [[ScoredDocument]] {
        guard queries.count % dimension == 0 else {
            throw DenseIndexError.wrongDimension(expected: dimension, found: queries.count)
        }
        let queryCount = queries.count / dimension
        guard queryCount > 0, count > 0, k > 0 else { return Array(repeating: [], count: queryCount) }
        let excludedIndexes: [Set<Int>] = excluding.map { lists in
            let wanted = Set(lists.flatMap { $0 })
            var map: [String: Int] = [:]
            if !wanted.isEmpty { for i in 0..<count where wanted.contains(documentID(at: i)) { map[documentID(at: i)] = i } }
            return lists.map { Set($0.compactMap { map[$0] }) }
        } ?? []

        struct Hit { var index: Int; var score: Float }
        let ranksBefore: (Hit, Hit) -> Bool = { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        var heaps = (0..<queryCount).map { _ in TopK<Hit>(k: k, ranksBefore: ranksBefore) }
        let block = min(blockSize, count)
        let scores = Matrix(rows: queryCount, columns: block)
        try queries.withUnsafeBufferPointer { queryBuffer in
            guard let queryBase = queryBuffer.baseAddress else { return }
            let queryMatrix = MatrixView(base: queryBase, rows: queryCount, columns: dimension)
            guard queries.allSatisfy(\.isFinite) else { throw DenseIndexError.notFinite(id: "<query>") }
            var start = 0
            while start < count {
                let end = min(start + block, count)
                let out = scores.mutableView.columns(0..<(end - start))
                BLAS.gemm(queryMatrix, vectors.rows(start..<end), transposeB: true, into: out)
                for q in 0..<queryCount {
                    let row = out.row(q)
                    let skip = q < excludedIndexes.count ? excludedIndexes[q] : []
                    for j in 0..<(end - start) where skip.isEmpty || !skip.contains(start + j) {
                        heaps[q].insert(Hit(index: start + j, score: row[j]))
                    }
                }
                start = end
            }
        }
        return heaps.map { $0.sorted().map { ScoredDocument(id: documentID(at: $0.index), score: Double($0.score)) } }
    }
}
