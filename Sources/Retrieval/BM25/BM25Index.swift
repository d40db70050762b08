import Foundation
import Tensor

/// A BM25 index opened from disk: arrays are read in place from the memory-mapped data file,
/// so opening is instant and memory is shared between processes.
///
/// Immutable after opening, hence `Sendable`: search from as many threads as you like.
public final class BM25Index: Sendable {
    public static let defaultAnalyzerName = "lucene-english"

    public let directory: URL
    public let manifest: BM25Manifest
    public let analyzer: any Analyzer
    private let file: MappedFile
    private let sectionOffsets: [Int]

    public var documentCount: Int { manifest.documentCount }
    public var termCount: Int { manifest.termCount }
    public var averageDocumentLength: Double {
        documentCount == 0 ? 0 : Double(manifest.tokenCount) / Double(documentCount)
    }

    /// Opens the index in `directory`. Fails with a clear error when the directory holds no
    /// index, an index of another format version or analyzer, or a damaged one.
    public init(directory: URL, analyzer: any Analyzer = EnglishAnalyzer(),
                analyzerName: String = BM25Index.defaultAnalyzerName) throws {
        self.directory = directory
        self.analyzer = analyzer
        switch ManifestFile.read(BM25Manifest.self, in: directory, format: BM25IndexFormat.name, version: BM25IndexFormat.version) {
        case .success(let read): manifest = read
        case .failure(.notThisFormat): throw BM25IndexError.notAnIndex(path: directory.path)
        case .failure(.otherVersion(let found)):
            throw BM25IndexError.otherFormatVersion(path: directory.path, found: found, expected: BM25IndexFormat.version)
        case .failure(.unreadable(let reason)):
            throw BM25IndexError.corrupt(path: directory.appendingPathComponent(ManifestFile.name).path, reason: reason)
        }
        guard manifest.analyzer == analyzerName else {
            throw BM25IndexError.analyzerMismatch(path: directory.path, found: manifest.analyzer, expected: analyzerName)
        }
        let dataPath = directory.appendingPathComponent(BM25IndexFormat.dataFile).path
        file = try MappedFile(path: dataPath)
        sectionOffsets = try Self.validate(file, manifest: manifest)
    }

    /// Checks the header and that every section fits in the file; returns the section offsets.
    private static func validate(_ file: MappedFile, manifest: BM25Manifest) throws -> [Int] {
        let bytes = file.bytes
        func fail(_ reason: String) -> BM25IndexError { .corrupt(path: file.path, reason: reason) }
        guard file.size == manifest.dataBytes else {
            throw fail("size is \(file.size) bytes, the manifest says \(manifest.dataBytes)")
        }
        guard file.size >= BM25IndexFormat.headerSize, Array(bytes[0..<8]) == BM25IndexFormat.magic else {
            throw fail("bad header")
        }
        func u64(_ at: Int) -> Int { Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))) }
        let counts = (0..<4).map { u64(16 + 8 * $0) }
        guard counts == [manifest.documentCount, manifest.termCount, manifest.postingCount, manifest.tokenCount] else {
            throw fail("header counts \(counts) disagree with the manifest")
        }
        let offsets = BM25IndexFormat.Section.allCases.map { u64(48 + 8 * $0.rawValue) }
        let n = manifest.documentCount, t = manifest.termCount, p = manifest.postingCount
        let minimumSizes = [4 * n, 8 * (t + 1), 4 * p, 4 * p, 8 * (t + 1), 0, 4 * t, 8 * (n + 1), 0]
        for (index, offset) in offsets.enumerated() {
            let end = index + 1 < offsets.count ? offsets[index + 1] : file.size
            guard offset % 8 == 0, offset >= BM25IndexFormat.headerSize, offset <= end, end <= file.size,
                  end - offset >= minimumSizes[index] else {
                throw fail("section \(index) out of bounds")
            }
        }
        return offsets
    }

    /// Recomputes the data file's checksum; slow for large indexes, so not done on open.
    public func verify() throws {
        var checksum = FNV1a64()
        checksum.update(file.bytes)
        guard checksum.hex == manifest.dataChecksum else {
            throw BM25IndexError.corrupt(path: file.path, reason: "checksum mismatch")
        }
    }

    // MARK: - Arrays in the mapped file

    private func array<T>(_ section: BM25IndexFormat.Section, _ type: T.Type, count: Int) -> UnsafeBufferPointer<T> {
        let start = file.bytes.baseAddress!.advanced(by: sectionOffsets[section.rawValue])
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: T.self), count: count)
    }

    private var documentLengths: UnsafeBufferPointer<UInt32> { array(.documentLengths, UInt32.self, count: documentCount) }
    private var postingOffsets: UnsafeBufferPointer<UInt64> { array(.postingOffsets, UInt64.self, count: termCount + 1) }
    private var postingDocuments: UnsafeBufferPointer<UInt32> { array(.postingDocuments, UInt32.self, count: manifest.postingCount) }
    private var postingFrequencies: UnsafeBufferPointer<UInt32> { array(.postingFrequencies, UInt32.self, count: manifest.postingCount) }

    private func string(offsets: BM25IndexFormat.Section, bytes: BM25IndexFormat.Section, count: Int, at index: Int) -> String {
        let table = array(offsets, UInt64.self, count: count + 1)
        let base = file.bytes.baseAddress!.advanced(by: sectionOffsets[bytes.rawValue])
        let start = Int(table[index]), end = Int(table[index + 1])
        return String(decoding: UnsafeRawBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }

    /// The id of the document at `index` (corpus order).
    public func documentID(at index: Int) -> String {
        string(offsets: .documentIDOffsets, bytes: .documentIDBytes, count: documentCount, at: index)
    }

    public func term(at id: Int) -> String {
        string(offsets: .termOffsets, bytes: .termBytes, count: termCount, at: id)
    }

    /// Binary search over the terms in byte order.
    public func termID(of term: String) -> Int? {
        let sorted = array(.termsSorted, UInt32.self, count: termCount)
        let offsets = array(.termOffsets, UInt64.self, count: termCount + 1)
        let base = file.bytes.baseAddress!.advanced(by: sectionOffsets[BM25IndexFormat.Section.termBytes.rawValue])
        var key = term
        return key.withUTF8 { key -> Int? in
            var low = 0, high = termCount
            while low < high {
                let middle = (low + high) / 2
                let id = Int(sorted[middle])
                let start = Int(offsets[id]), end = Int(offsets[id + 1])
                let candidate = UnsafeRawBufferPointer(start: base + start, count: end - start)
                let order = compare(candidate, key)
                if order == 0 { return id }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    private func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(a.count, b.count)
        for i in 0..<shared where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count - b.count
    }

    /// Number of documents containing the term.
    public func documentFrequency(ofTermID id: Int) -> Int {
        Int(postingOffsets[id + 1] - postingOffsets[id])
    }

    // MARK: - Search

    /// The top `k` documents for `query`, best first.
    ///
    /// `bright` ranks as BRIGHT does: every document has a score (0 when no term matches), ties
    /// keep corpus order, so fewer than `k` matches are padded with zero-score documents.
    /// `lucene` returns matching documents only, ties by id ascending, as Anserini orders them.
    /// `excluding` drops document ids before the cut (BRIGHT's `excluded_ids`).
    public func search(_ query: String, k: Int = 10, variant: BM25Variant = .bright,
                       parameters: BM25Parameters = BM25Parameters(), excluding: Set<String> = []) -> [ScoredDocument] {
        var scratch = SearchScratch(documentCount: documentCount)
        return search(query, k: k, variant: variant, parameters: parameters, excluding: excluding, scratch: &scratch)
    }

    /// Searches many queries on `threads` threads; results in query order.
    public func search(_ queries: [String], k: Int = 10, variant: BM25Variant = .bright,
                       parameters: BM25Parameters = BM25Parameters(), excluding: [Set<String>]? = nil,
                       threads: Int = defaultThreadCount,
                       progress: any ProgressReporter = SilentProgress()) -> [[ScoredDocument]] {
        var results = [[ScoredDocument]](repeating: [], count: queries.count)
        let workers = max(1, min(threads, queries.count))
        let counter = ProgressCounter()
        progress.report(ProgressUpdate(task: "searching", completed: 0, total: queries.count, unit: "queries"))
        results.withUnsafeMutableBufferPointer { output in
            let output = UnsafeSendableBuffer(output)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var scratch = SearchScratch(documentCount: documentCount)
                var index = worker
                while index < queries.count {
                    output.buffer[index] = search(queries[index], k: k, variant: variant, parameters: parameters,
                                                  excluding: excluding?[index] ?? [], scratch: &scratch)
                    let done = counter.increment()
                    if done % 64 == 0 {
                        progress.report(ProgressUpdate(task: "searching", completed: done, total: queries.count, unit: "queries"))
                    }
                    index += workers
                }
            }
        }
        progress.finish(ProgressUpdate(task: "searching", completed: queries.count, total: queries.count, unit: "queries"))
        return results
    }

    /// Per-thread buffers reused across queries.
    struct SearchScratch {
        var scores: [Float]
        var touched: [UInt32] = []
        init(documentCount: Int) { scores = [Float](repeating: 0, count: documentCount) }
    }

    private func search(_ query: String, k: Int, variant: BM25Variant, parameters: BM25Parameters,
                        excluding: Set<String>, scratch: inout SearchScratch) -> [ScoredDocument] {
        guard documentCount > 0, k > 0 else { return [] }
        // Query terms in ascending term id: BRIGHT's float32 sums add in this order.
        var queryCounts: [Int: Int] = [:]
        var knownTokens = 0
        for token in analyzer.analyze(query) {
            guard let id = termID(of: token) else { continue }
            queryCounts[id, default: 0] += 1
            knownTokens += 1
        }
        let terms = queryCounts.keys.sorted()

        switch variant {
        case .bright:
            accumulateBRIGHT(terms: terms, counts: queryCounts, queryLength: knownTokens, parameters: parameters, scratch: &scratch)
        case .lucene:
            accumulateLucene(terms: terms, counts: queryCounts, parameters: parameters, scratch: &scratch)
        }

        let excludedIndexes = excluding.isEmpty ? [] : Set(excludedDocumentIndexes(excluding))
        let hits = rank(k: k, variant: variant, excluded: excludedIndexes, scratch: &scratch)
        return hits
    }

    /// gensim's LuceneBM25Model weight, in float64 as numpy computes it.
    @inline(__always)
    private static func brightWeight(idf: Double, tf: Double, length: Double, averageLength: Double, _ p: BM25Parameters) -> Double {
        idf * (tf / (tf + p.k1 * (1 - p.b + p.b * length / averageLength)))
    }

    private func accumulateBRIGHT(terms: [Int], counts: [Int: Int], queryLength: Int, parameters p: BM25Parameters,
                                  scratch: inout SearchScratch) {
        let n = Double(documentCount)
        let averageLength = averageDocumentLength
        let lengths = documentLengths, offsets = postingOffsets
        let documents = postingDocuments, frequencies = postingFrequencies
        for term in terms {
            let start = Int(offsets[term]), end = Int(offsets[term + 1])
            let idf = log(n + 1) - log(Double(end - start) + 0.5)
            let queryWeight = Float(Self.brightWeight(idf: idf, tf: Double(counts[term]!), length: Double(queryLength),
                                                      averageLength: averageLength, p))
            for posting in start..<end {
                let document = Int(documents[posting])
                let documentWeight = Float(Self.brightWeight(idf: idf, tf: Double(frequencies[posting]),
                                                             length: Double(lengths[document]),
                                                             averageLength: averageLength, p))
                if scratch.scores[document] == 0 { scratch.touched.append(UInt32(document)) }
                scratch.scores[document] += queryWeight * documentWeight
            }
        }
    }

    /// Lucene's BM25Similarity with its float/double mix. Lucene sums clauses in double and
    /// rounds once; we sum in float, which can differ in the last bit only.
    private func accumulateLucene(terms: [Int], counts: [Int: Int], parameters p: BM25Parameters,
                                  scratch: inout SearchScratch) {
        let n = Double(documentCount)
        let averageLength = Float(Double(manifest.tokenCount) / n)
        let k1 = Float(p.k1), b = Float(p.b)
        let normInverse: [Float] = LuceneLengthNorm.decodedLengths.map { 1 / (k1 * ((1 - b) + b * Float($0) / averageLength)) }
        let lengths = documentLengths, offsets = postingOffsets
        let documents = postingDocuments, frequencies = postingFrequencies
        for term in terms {
            let start = Int(offsets[term]), end = Int(offsets[term + 1])
            let df = Double(end - start)
            let idf = Float(log(1 + (n - df + 0.5) / (df + 0.5)))
            let weight = Double(Float(counts[term]!) * idf)
            for posting in start..<end {
                let document = Int(documents[posting])
                let norm = LuceneLengthNorm.encode(Int(lengths[document]))
                let tf = Double(Float(frequencies[posting]))
                let score = Float(weight - weight / (1 + tf * Double(normInverse[Int(norm)])))
                if scratch.scores[document] == 0 { scratch.touched.append(UInt32(document)) }
                scratch.scores[document] += score
            }
        }
    }

    private func excludedDocumentIndexes(_ ids: Set<String>) -> [Int] {
        // Excluded ids are few per query; a linear scan of ids would be slow for big corpora,
        // so look them up through a lazily built map.
        ids.compactMap { documentIndexByID[$0] }
    }

    private var documentIndexByID: [String: Int] {
        idMap.value { (0..<documentCount).reduce(into: [:]) { $0[documentID(at: $1)] = $1 } }
    }
    private let idMap = Lazy<[String: Int]>()

    private func rank(k: Int, variant: BM25Variant, excluded: Set<Int>, scratch: inout SearchScratch) -> [ScoredDocument] {
        struct Hit { var index: Int; var score: Float }
        let byCorpusOrder: (Hit, Hit) -> Bool = { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        var top = TopK<Hit>(k: k, ranksBefore: byCorpusOrder)
        for document in scratch.touched {
            let index = Int(document)
            let score = scratch.scores[index]
            scratch.scores[index] = 0
            if excluded.contains(index) { continue }
            top.insert(Hit(index: index, score: score))
        }
        scratch.touched.removeAll(keepingCapacity: true)
        var hits = top.sorted()
        if variant == .bright, hits.count < k {
            // BRIGHT scores every document; the unmatched ones follow in corpus order with score 0.
            let matched = Set(hits.map(\.index))
            var index = 0
            while hits.count < k, index < documentCount {
                if !matched.contains(index), !excluded.contains(index) { hits.append(Hit(index: index, score: 0)) }
                index += 1
            }
        }
        var results = hits.map { ScoredDocument(id: documentID(at: $0.index), score: Double($0.score)) }
        if variant == .lucene {
            // Anserini breaks score ties by document id, ascending.
            results.sort { $0.score != $1.score ? $0.score > $1.score : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        }
        return results
    }
}
