import Foundation
import Tensor

/// Builds a BM25 inverted index from documents streamed in batches, then writes it atomically.
///
/// Memory holds the postings (the size of the index itself), never the corpus text.
/// Term ids are assigned as gensim's `Dictionary` does (first appearance, new terms of a
/// document in code-point order), so BRIGHT's float32 sums add in the same order.
public struct BM25IndexBuilder {
    public let analyzer: any Analyzer
    public let analyzerName: String
    public let threads: Int

    private var termIDs: [String: UInt32] = [:]
    private var terms: [String] = []
    /// Per term, interleaved (document index, term frequency) pairs.
    private var postings: [[UInt32]] = []
    private var documentLengths: [UInt32] = []
    private var documentIDs: [String] = []
    private var seenIDs: Set<String> = []
    private var tokenCount = 0

    public var documentCount: Int { documentLengths.count }

    public init(analyzer: any Analyzer = EnglishAnalyzer(), analyzerName: String = BM25Index.defaultAnalyzerName,
                threads: Int = defaultThreadCount) {
        self.analyzer = analyzer
        self.analyzerName = analyzerName
        self.threads = max(1, threads)
    }

    /// Analyzes a batch (in parallel) and adds it to the index in order.
    public mutating func add(_ batch: [Document]) throws {
        let analyzed = analyze(batch)
        for (document, tokens) in zip(batch, analyzed) {
            guard seenIDs.insert(document.id).inserted else {
                throw BM25IndexError.duplicateDocumentID(document.id)
            }
            add(id: document.id, tokens: tokens)
        }
    }

    private func analyze(_ batch: [Document]) -> [[String]] {
        var results = [[String]](repeating: [], count: batch.count)
        let analyzer = self.analyzer
        let workers = min(threads, batch.count)
        results.withUnsafeMutableBufferPointer { output in
            let output = UnsafeSendableBuffer(output)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < batch.count {
                    output.buffer[index] = analyzer.analyze(batch[index].text)
                    index += workers
                }
            }
        }
        return results
    }

    private mutating func add(id: String, tokens: [String]) {
        let document = UInt32(documentLengths.count)
        var counts: [String: UInt32] = [:]
        for token in tokens { counts[token, default: 0] += 1 }
        let newTerms = counts.keys.filter { termIDs[$0] == nil }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for term in newTerms {
            termIDs[term] = UInt32(terms.count)
            terms.append(term)
            postings.append([])
        }
        for (term, count) in counts {
            let termID = Int(termIDs[term]!)
            postings[termID].append(document)
            postings[termID].append(count)
        }
        documentLengths.append(UInt32(tokens.count))
        documentIDs.append(id)
        tokenCount += tokens.count
    }

    /// Writes the index to `directory` (temporary directory, then rename) and returns its manifest.
    @discardableResult
    public func write(to directory: URL, source: CorpusFingerprint? = nil) throws -> BM25Manifest {
        var manifest: BM25Manifest?
        try AtomicDirectory.write(to: directory) { temporary in
            let dataPath = temporary.appendingPathComponent(BM25IndexFormat.dataFile).path
            let (bytes, postingCount) = try writeData(to: dataPath)
            let mapped = try MappedFile(path: dataPath)
            var checksum = FNV1a64()
            checksum.update(mapped.bytes)
            let result = BM25Manifest(
                format: BM25IndexFormat.name, formatVersion: BM25IndexFormat.version, analyzer: analyzerName,
                documentCount: documentCount, termCount: terms.count, postingCount: postingCount,
                tokenCount: tokenCount, dataBytes: bytes, dataChecksum: checksum.hex, source: source)
            try ManifestFile.write(result, in: temporary)
            manifest = result
        }
        return manifest!
    }

    private func writeData(to path: String) throws -> (bytes: Int, postings: Int) {
        let writer = try BinaryWriter(creating: path)
        let postingCount = postings.reduce(0) { $0 + $1.count / 2 }
        writer.write(bytes: BM25IndexFormat.magic)
        writer.write(UInt32(BM25IndexFormat.version))
        writer.write(UInt32(0))
        for count in [documentCount, terms.count, postingCount, tokenCount] { writer.write(UInt64(count)) }
        // Section offsets follow from the sizes, computed ahead so the header is written once.
        let sizes = sectionSizes(postingCount: postingCount)
        var offset = BM25IndexFormat.headerSize
        for size in sizes {
            writer.write(UInt64(offset))
            offset += (size + 7) & ~7
        }

        for section in BM25IndexFormat.Section.allCases {
            writer.align(to: 8)
            switch section {
            case .documentLengths:
                writer.write(contentsOf: documentLengths)
            case .postingOffsets:
                var running: UInt64 = 0
                writer.write(running)
                for list in postings {
                    running += UInt64(list.count / 2)
                    writer.write(running)
                }
            case .postingDocuments:
                for list in postings { for i in stride(from: 0, to: list.count, by: 2) { writer.write(list[i]) } }
            case .postingFrequencies:
                for list in postings { for i in stride(from: 1, to: list.count, by: 2) { writer.write(list[i]) } }
            case .termOffsets:
                writeStringOffsets(terms, to: writer)
            case .termBytes:
                for term in terms { writer.write(bytes: term.utf8) }
            case .termsSorted:
                let order = terms.indices.sorted { terms[$0].utf8.lexicographicallyPrecedes(terms[$1].utf8) }
                writer.write(contentsOf: order.map { UInt32($0) })
            case .documentIDOffsets:
                writeStringOffsets(documentIDs, to: writer)
            case .documentIDBytes:
                for id in documentIDs { writer.write(bytes: id.utf8) }
            }
        }
        writer.align(to: 8)
        let bytes = writer.offset
        try writer.close()
        return (bytes, postingCount)
    }

    private func sectionSizes(postingCount: Int) -> [Int] {
        BM25IndexFormat.Section.allCases.map { section in
            switch section {
            case .documentLengths: return 4 * documentCount
            case .postingOffsets: return 8 * (terms.count + 1)
            case .postingDocuments, .postingFrequencies: return 4 * postingCount
            case .termOffsets: return 8 * (terms.count + 1)
            case .termBytes: return terms.reduce(0) { $0 + $1.utf8.count }
            case .termsSorted: return 4 * terms.count
            case .documentIDOffsets: return 8 * (documentCount + 1)
            case .documentIDBytes: return documentIDs.reduce(0) { $0 + $1.utf8.count }
            }
        }
    }

    private func writeStringOffsets(_ strings: [String], to writer: BinaryWriter) {
        var running: UInt64 = 0
        writer.write(running)
        for string in strings {
            running += UInt64(string.utf8.count)
            writer.write(running)
        }
    }
}

/// Lets parallel workers write disjoint elements of one buffer.
/// `@unchecked Sendable`: callers guarantee each index is written by one worker only.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
