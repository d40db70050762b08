import Foundation
import Tensor

/// Writes a flat dense index batch by batch, resumably.
///
/// Vectors go to `<destination>.partial/`, flushed to disk with a `progress.json` after each
/// batch. If the process dies, a new builder for the same destination, model and corpus finds the
/// partial directory and reports `resumeCount`: the caller skips that many documents and goes on.
/// `finish()` writes the manifest and renames the directory into place. Vectors are stored as
/// `vectorType` (Float32 or Float16), converted as they come.
public final class DenseIndexBuilder {
    public let destination: URL
    public let model: EmbeddingModelIdentity
    public let source: CorpusFingerprint?
    public let vectorType: VectorType
    /// Documents already stored by an earlier, interrupted build.
    public let resumeCount: Int
    public private(set) var count: Int

    private let partial: URL
    private let vectors: FileHandle
    private let ids: FileHandle
    private var seenIDs: Set<String> = []

    struct Progress: Codable, Equatable {
        var model: EmbeddingModelIdentity
        var source: CorpusFingerprint?
        /// Absent in the progress files of builds before Float16 (Float32 then).
        var vectorType: VectorType?
        var count: Int
        var vectorBytes: Int
        var idBytes: Int
    }

    public init(destination: URL, model: EmbeddingModelIdentity, source: CorpusFingerprint?,
                vectorType: VectorType = .f32) throws {
        self.destination = destination
        self.model = model
        self.source = source
        self.vectorType = vectorType
        partial = destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".partial")
        let fileManager = FileManager.default
        let vectorsURL = partial.appendingPathComponent(vectorType.vectorsFile)
        let idsURL = partial.appendingPathComponent(DenseIndexFormat.idRecordsFile)
        var resumed: Progress?
        if let data = try? Data(contentsOf: partial.appendingPathComponent(DenseIndexFormat.progressFile)),
           let progress = try? JSONDecoder().decode(Progress.self, from: data),
           progress.model == model, progress.source == source, progress.vectorType ?? .f32 == vectorType,
           Self.size(vectorsURL) >= progress.vectorBytes, Self.size(idsURL) >= progress.idBytes {
            resumed = progress
        } else {
            try? fileManager.removeItem(at: partial)
            try fileManager.createDirectory(at: partial, withIntermediateDirectories: true)
            _ = fileManager.createFile(atPath: vectorsURL.path, contents: nil)
            _ = fileManager.createFile(atPath: idsURL.path, contents: nil)
        }
        guard let vectors = FileHandle(forUpdatingAtPath: vectorsURL.path),
              let ids = FileHandle(forUpdatingAtPath: idsURL.path) else {
            throw FileError.cannotOpen(path: partial.path)
        }
        // Anything written after the last recorded batch is dropped.
        try vectors.truncate(atOffset: UInt64(resumed?.vectorBytes ?? 0))
        try ids.truncate(atOffset: UInt64(resumed?.idBytes ?? 0))
        try vectors.seekToEnd()
        try ids.seekToEnd()
        self.vectors = vectors
        self.ids = ids
        resumeCount = resumed?.count ?? 0
        count = resumeCount
        if resumeCount > 0 { seenIDs = Set(try Self.readIDList(idsURL)) }
    }

    private static func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Appends a batch: `vectors` holds `ids.count × dimension` values, row-major. The batch is on
    /// disk, and counted for a resume, when this returns.
    public func append(ids batchIDs: [String], vectors batch: [Float]) throws {
        guard batch.count == batchIDs.count * model.dimension else {
            throw VectorIndexError.wrongDimension(expected: model.dimension,
                                                  found: batchIDs.isEmpty ? 0 : batch.count / batchIDs.count)
        }
        let encoded = try batch.withUnsafeBufferPointer { values in
            try vectorType.encode(values, dimension: model.dimension) { batchIDs[$0] }
        }
        try append(ids: batchIDs, encoded: encoded)
    }

    /// Appends rows already in this builder's vector type (`ids.count` rows of its bytes), such as
    /// the kept rows of another index of the same type: copied as they are.
    public func append(ids batchIDs: [String], encoded: Data) throws {
        let rowBytes = model.dimension * vectorType.bytesPerValue
        guard encoded.count == batchIDs.count * rowBytes else {
            throw VectorIndexError.wrongDimension(expected: model.dimension,
                                                  found: batchIDs.isEmpty ? 0 : encoded.count / batchIDs.count / vectorType.bytesPerValue)
        }
        var batchSeen = Set<String>(minimumCapacity: batchIDs.count)
        for id in batchIDs where seenIDs.contains(id) || !batchSeen.insert(id).inserted {
            throw VectorIndexError.duplicateDocumentID(id)
        }
        seenIDs.formUnion(batchSeen)
        var records = Data()
        for id in batchIDs {
            var length = UInt32(id.utf8.count).littleEndian
            withUnsafeBytes(of: &length) { records.append(contentsOf: $0) }
            records.append(contentsOf: Array(id.utf8))
        }
        vectors.write(encoded)
        ids.write(records)
        try vectors.synchronize()
        try ids.synchronize()
        count += batchIDs.count
        let progress = Progress(model: model, source: source, vectorType: vectorType, count: count,
                                vectorBytes: Int(try vectors.offset()), idBytes: Int(try ids.offset()))
        // The progress file is the commit point of the batch: replaced atomically.
        try JSONEncoder().encode(progress).write(to: partial.appendingPathComponent(DenseIndexFormat.progressFile),
                                                 options: .atomic)
    }

    /// Writes the ids table and the manifest, then moves the finished index into place.
    @discardableResult
    public func finish() throws -> DenseManifest {
        try vectors.close()
        try ids.close()
        let idsURL = partial.appendingPathComponent(DenseIndexFormat.idRecordsFile)
        let ordered = try Self.readIDList(idsURL)
        try StringTable.write(ordered, to: partial.appendingPathComponent(DenseIndexFormat.idsFile))
        let mapped = try MappedFile(path: partial.appendingPathComponent(vectorType.vectorsFile).path)
        var checksum = FNV1a64()
        checksum.update(mapped.bytes)
        let manifest = DenseManifest(format: DenseIndexFormat.name, formatVersion: DenseIndexFormat.version, model: model,
                                     count: count, dimension: model.dimension, vectorBytes: mapped.size,
                                     vectorChecksum: checksum.hex, source: source, vectorType: vectorType)
        try ManifestFile.write(manifest, in: partial)
        try FileManager.default.removeItem(at: idsURL)
        try FileManager.default.removeItem(at: partial.appendingPathComponent(DenseIndexFormat.progressFile))
        try AtomicDirectory.replace(destination, with: partial)
        return manifest
    }

    private static func readIDList(_ url: URL) throws -> [String] {
        let data = try Data(contentsOf: url)
        var result: [String] = []
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset + 4 <= bytes.count {
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                guard offset + length <= bytes.count else { break }
                result.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self))
                offset += length
            }
        }
        return result
    }
}
