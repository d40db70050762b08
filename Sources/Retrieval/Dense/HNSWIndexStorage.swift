#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Tensor

// Writing an HNSW index to a directory and opening it again, memory-mapped. The layout is in
// `HNSWIndexFormat`. Opening checks everything a search relies on (sizes, every link in range,
// level blocks inside their file), so a damaged index gives an error and never a crash;
// `verify()` also recomputes the checksums.
extension HNSWIndex {
    /// Writes the index to `directory` (a temporary directory beside it, renamed into place when
    /// complete, so readers never see half an index) and returns the manifest.
    @discardableResult
    public func write(to directory: URL) throws -> HNSWManifest {
        try rwLock.read {
            let g = graph
            var manifest: HNSWManifest?
            try AtomicDirectory.write(to: directory) { temporary in
                var files: [String: HNSWFileInfo] = [:]
                func put(_ name: String, _ pointer: UnsafeRawPointer?, _ bytes: Int) throws {
                    files[name] = try writeRaw(temporary.appendingPathComponent(name),
                                               UnsafeRawBufferPointer(start: bytes > 0 ? pointer : nil, count: bytes))
                }
                try put(g.vectorType.vectorsFile, g.vectors.base, g.count * g.rowBytes)
                try put(HNSWIndexFormat.links0File, g.links0.base, g.count * g.stride0 * 4)
                try put(HNSWIndexFormat.nodesFile, g.nodes.base, g.count * 2 * 4)
                try put(HNSWIndexFormat.upperLinksFile, g.upper.base, g.upperUsed * 4)
                try put(HNSWIndexFormat.deletedFile, g.deleted.base, g.count)
                let ids = documentIDs.serialized()
                try ids.withUnsafeBytes { try put(HNSWIndexFormat.idsFile, $0.baseAddress, $0.count) }
                var parameters = self.parameters
                parameters.efSearch = defaultEf
                let written = HNSWManifest(format: HNSWIndexFormat.name, formatVersion: HNSWIndexFormat.version,
                                           model: model, source: source, dimension: dimension, count: g.count,
                                           deletedCount: g.deletedCount, parameters: parameters,
                                           entryPoint: Int(g.entryPoint), maxLevel: g.maxLevel,
                                           upperLinkValues: g.upperUsed, files: files, vectorType: g.vectorType)
                // The manifest last: a directory without one is not an index.
                try ManifestFile.write(written, in: temporary)
                manifest = written
            }
            return manifest!
        }
    }

    /// Opens an index written by ``write(to:)``; its vectors and neighbour lists are mapped, not
    /// read. With `model`, refuses an index whose vectors another model made.
    public convenience init(directory: URL, model: EmbeddingModelIdentity? = nil) throws {
        let manifest = try VectorIndexError.readManifest(HNSWManifest.self, in: directory, format: HNSWIndexFormat.name,
                                                         version: HNSWIndexFormat.version)
        if let model, model != manifest.model {
            let found = manifest.model.map { "\($0.name) (\($0.fingerprint))" } ?? "an unknown model"
            throw VectorIndexError.modelMismatch(path: directory.path, found: found, expected: "\(model.name) (\(model.fingerprint))")
        }
        let graph = try HNSWIndex.mapGraph(directory: directory, manifest: manifest)
        let idsFile = try HNSWIndex.map(directory, HNSWIndexFormat.idsFile, manifest: manifest, expectedBytes: nil)
        let ids = try HNSWDocumentIDs(mapped: idsFile, count: manifest.count)
        self.init(graph: graph, documentIDs: ids, model: manifest.model, source: manifest.source,
                  directory: directory, manifest: manifest)
    }

    /// Recomputes the checksums of the files this index was opened from.
    public func verify() throws {
        guard let directory, let manifest = openedManifest else { return }
        for name in HNSWIndexFormat.dataFiles(manifest.storedType) {
            let file = try HNSWIndex.map(directory, name, manifest: manifest, expectedBytes: nil)
            var checksum = FNV1a64()
            checksum.update(file.bytes)
            guard checksum.hex == manifest.files[name]?.checksum else {
                throw VectorIndexError.corrupt(path: file.path, reason: "checksum mismatch")
            }
        }
    }

    // MARK: - Internals

    /// Maps a data file and checks its size against the manifest (and the expected size).
    static func map(_ directory: URL, _ name: String, manifest: HNSWManifest, expectedBytes: Int?) throws -> MappedFile {
        let path = directory.appendingPathComponent(name).path
        guard let info = manifest.files[name] else {
            throw VectorIndexError.corrupt(path: directory.path, reason: "the manifest does not list \(name)")
        }
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw VectorIndexError.corrupt(path: path, reason: "missing or unreadable")
        }
        guard file.size == info.bytes else {
            throw VectorIndexError.corrupt(path: path, reason: "size is \(file.size) bytes, the manifest says \(info.bytes)")
        }
        if let expectedBytes, expectedBytes != file.size {
            throw VectorIndexError.corrupt(path: path, reason: "size is \(file.size) bytes, expected \(expectedBytes)")
        }
        return file
    }

    /// Maps the graph's files and checks that every value a search follows stays in range.
    static func mapGraph(directory: URL, manifest: HNSWManifest) throws -> HNSWGraph {
        let corrupt = { (reason: String) in VectorIndexError.corrupt(path: directory.path, reason: reason) }
        let p = manifest.parameters
        guard (try? p.validate()) != nil, manifest.dimension >= 1, manifest.count >= 0, manifest.count < Int(UInt32.max),
              manifest.upperLinkValues >= 0, manifest.deletedCount >= 0, manifest.deletedCount <= manifest.count else {
            throw corrupt("impossible counts or parameters in the manifest")
        }
        if let model = manifest.model, model.dimension != manifest.dimension {
            throw corrupt("the model's dimension \(model.dimension) is not the index's \(manifest.dimension)")
        }
        let n = manifest.count, d = manifest.dimension
        let graph = HNSWGraph(dimension: d, parameters: p, vectorType: manifest.storedType)
        let (vectorBytes, overflow) = n.multipliedReportingOverflow(by: graph.rowBytes)
        guard !overflow else { throw corrupt("impossible counts in the manifest") }
        let vectors = try map(directory, manifest.storedType.vectorsFile, manifest: manifest, expectedBytes: vectorBytes)
        let links0 = try map(directory, HNSWIndexFormat.links0File, manifest: manifest, expectedBytes: n * graph.stride0 * 4)
        let nodes = try map(directory, HNSWIndexFormat.nodesFile, manifest: manifest, expectedBytes: n * 8)
        let upper = try map(directory, HNSWIndexFormat.upperLinksFile, manifest: manifest,
                            expectedBytes: manifest.upperLinkValues * 4)
        let deleted = try map(directory, HNSWIndexFormat.deletedFile, manifest: manifest, expectedBytes: n)

        let links0Base = links0.bytes.baseAddress?.assumingMemoryBound(to: UInt32.self)
        let nodesBase = nodes.bytes.baseAddress?.assumingMemoryBound(to: UInt32.self)
        let upperBase = upper.bytes.baseAddress?.assumingMemoryBound(to: UInt32.self)
        let count32 = UInt32(n)
        var topLevel = -1
        for node in 0..<n {
            let block = links0Base! + node * graph.stride0
            let links = Int(UInt32(littleEndian: block[0]))
            guard links <= graph.maxLinks0 else { throw corrupt("node \(node) has \(links) links on layer 0, at most \(graph.maxLinks0) fit") }
            for j in 0..<links where UInt32(littleEndian: block[1 + j]) >= count32 {
                throw corrupt("node \(node) links to a node out of range")
            }
            let level = Int(UInt32(littleEndian: nodesBase![2 * node]))
            let start = Int(UInt32(littleEndian: nodesBase![2 * node + 1]))
            guard level <= HNSWIndexFormat.maxLevelCap, level <= manifest.maxLevel else {
                throw corrupt("node \(node) has level \(level), above the graph's \(manifest.maxLevel)")
            }
            topLevel = Swift.max(topLevel, level)
            guard start + level * graph.strideUpper <= manifest.upperLinkValues else {
                throw corrupt("the upper layers of node \(node) lie outside \(HNSWIndexFormat.upperLinksFile)")
            }
            for layer in 0..<level {
                let upperBlock = upperBase! + start + layer * graph.strideUpper
                let links = Int(UInt32(littleEndian: upperBlock[0]))
                guard links <= graph.m else { throw corrupt("node \(node) has \(links) links on layer \(layer + 1), at most \(graph.m) fit") }
                for j in 0..<links {
                    let target = UInt32(littleEndian: upperBlock[1 + j])
                    // A link on layer L must reach a node that has layer L, or a search would read
                    // a block the node does not have.
                    guard target < count32, Int(UInt32(littleEndian: nodesBase![2 * Int(target)])) > layer else {
                        throw corrupt("node \(node) links to a node out of range or without layer \(layer + 1)")
                    }
                }
            }
        }
        let entry = manifest.entryPoint
        if n == 0 {
            guard entry == -1 else { throw corrupt("an empty graph with an entry point") }
        } else {
            guard entry >= 0, entry < n, manifest.maxLevel == topLevel,
                  Int(UInt32(littleEndian: nodesBase![2 * entry])) == topLevel else {
                throw corrupt("the entry point \(entry) is not a node of the top level \(manifest.maxLevel)")
            }
        }
        // Tombstones change after opening: read into memory of our own.
        var deletedCount = 0
        graph.deleted.reserve(n, used: 0)
        if n > 0 {
            let flags = deleted.bytes.bindMemory(to: UInt8.self)
            for i in 0..<n {
                guard flags[i] <= 1 else { throw corrupt("bad tombstone flag for node \(i)") }
                graph.deleted.base![i] = flags[i]
                deletedCount += Int(flags[i])
            }
        }
        guard deletedCount == manifest.deletedCount else {
            throw corrupt("\(deletedCount) tombstones, the manifest says \(manifest.deletedCount)")
        }
        if n > 0 {
            graph.vectors = HNSWArray(borrowing: vectors.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: n * graph.rowBytes,
                                      owner: vectors)
            graph.links0 = HNSWArray(borrowing: links0Base, count: n * graph.stride0, owner: links0)
            graph.nodes = HNSWArray(borrowing: nodesBase, count: 2 * n, owner: nodes)
        }
        if manifest.upperLinkValues > 0 {
            graph.upper = HNSWArray(borrowing: upperBase, count: manifest.upperLinkValues, owner: upper)
        }
        graph.adopt(count: n, upperUsed: manifest.upperLinkValues, deletedCount: deletedCount,
                    entryPoint: Int32(entry), maxLevel: manifest.maxLevel)
        return graph
    }
}

/// Writes `bytes` to a new file at `url`, syncs it, and returns its size and checksum.
private func writeRaw(_ url: URL, _ bytes: UnsafeRawBufferPointer) throws -> HNSWFileInfo {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw VectorIndexError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var checksum = FNV1a64()
    var offset = 0
    while offset < bytes.count {
        let chunk = Swift.min(1 << 24, bytes.count - offset)
        let part = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + chunk)])
        checksum.update(part)
        var written = 0
        while written < chunk {
            let n = write(fd, part.baseAddress! + written, chunk - written)
            guard n > 0 else {
                if n < 0 && errno == EINTR { continue }
                throw VectorIndexError.cannotWrite(path: url.path, reason: n < 0 ? String(cString: strerror(errno)) : "nothing written")
            }
            written += n
        }
        offset += chunk
    }
    guard fsync(fd) == 0 else { throw VectorIndexError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
    return HNSWFileInfo(bytes: bytes.count, checksum: checksum.hex)
}
