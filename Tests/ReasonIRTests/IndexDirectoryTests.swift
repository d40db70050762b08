import Foundation
import ReasonIR
import Testing
import TestSupport

@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct IndexDirectoryTests {
    /// A collection of SciFact's first 300 documents with every part, embedded by tiny-bert.
    func build(_ parts: IndexDirectory.BuildOptions = .init(bm25: true, denseModel: TestPaths.tinyBert.path, hnsw: true))
        throws -> (IndexDirectory, URL) {
        try CollectionTestData.collection(parts)
    }

    @Test func buildOpenAndSearchEveryRetriever() throws {
        let (built, _) = try build()
        let manifest = built.manifest
        #expect(manifest.format == CollectionFormat.name && manifest.formatVersion == CollectionFormat.version)
        #expect(manifest.documentCount == 300 && manifest.generation == 0)
        #expect(manifest.parts == [.documents, .bm25, .dense, .hnsw])
        #expect(manifest.model?.name == "tiny-bert" && manifest.bm25?.analyzer == BM25Index.defaultAnalyzerName)
        #expect(manifest.files.keys.contains("bm25/bm25.bin") && manifest.files.keys.contains("hnsw/links0.u32"))
        let opened = try IndexDirectory.open(built.directory, verifyChecksums: true)
        #expect(opened.documents.count == 300 && opened.bm25?.documentCount == 300 && opened.dense?.count == 300 && opened.hnsw?.count == 300)
        // No temporary directory is left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: built.directory.deletingLastPathComponent().path)
        #expect(siblings.sorted() == ["corpus.jsonl", "scifact.idx"])

        let document = opened.documents.document(at: 17)
        #expect(opened.documents.document(id: document.id) == document)
        let model = try opened.loadModel()
        for kind in IndexDirectory.RetrieverKind.allCases {
            let hits = try opened.search(document.text, k: 5, retriever: kind, model: model)
            #expect(hits.count == 5, "\(kind)")
            // The document's own text finds it first (dense: the same vector, cosine 1).
            #expect(hits.first?.id == document.id, "\(kind)")
        }
        let exact = try opened.retriever(.dense, model: model, exact: true)
            .retrieve([document.text], k: 3, excluding: [[document.id]], progress: SilentProgress())
        #expect(exact[0].count == 3 && !exact[0].contains { $0.id == document.id })
    }

    @Test func addAndDeleteUpdateEveryPart() throws {
        let (built, scratch) = try build()
        let added = [Document(id: "new-1", text: "Zebrafish regenerate cardiac tissue after cryoinjury quickly"),
                     Document(id: "new-2", text: "Tardigrades survive desiccation through intrinsically disordered proteins")]
        let model = try built.loadModel()
        let grown = try built.add(added, model: model)
        #expect(grown.manifest.documentCount == 302 && grown.manifest.generation == 1)
        let reopened = try IndexDirectory.open(built.directory, verifyChecksums: true)
        #expect(reopened.dense?.count == 302 && reopened.hnsw?.count == 302 && reopened.bm25?.documentCount == 302)
        for kind in IndexDirectory.RetrieverKind.allCases {
            #expect(try reopened.search(added[1].text, k: 3, retriever: kind, model: model).first?.id == "new-2", "\(kind)")
        }
        // Duplicate ids, within the batch or with the collection: an error, nothing changes.
        #expect(throws: CollectionError.duplicateDocumentID("new-1")) { try reopened.add([added[0]], model: model) }
        #expect(throws: CollectionError.duplicateDocumentID("x")) {
            try reopened.add([Document(id: "x", text: "a"), Document(id: "x", text: "b")], model: model)
        }
        #expect(try IndexDirectory.open(built.directory).manifest.generation == 1)

        let victim = reopened.documents.document(at: 3)
        let shrunk = try reopened.delete(ids: [victim.id, "new-1"])
        #expect(shrunk.manifest.documentCount == 300 && shrunk.hnsw?.deletedCount == 2)
        for kind in IndexDirectory.RetrieverKind.allCases {
            let hits = try shrunk.search(victim.text, k: 300, retriever: kind, model: model)
            #expect(!hits.contains { $0.id == victim.id || $0.id == "new-1" }, "\(kind)")
        }
        #expect(throws: CollectionError.unknownDocumentID("nope")) { try shrunk.delete(ids: ["nope"]) }
        // A deleted id may come back.
        let back = try shrunk.add([victim], model: model)
        #expect(try back.search(victim.text, k: 1, retriever: .dense, model: model).first?.id == victim.id)
        _ = scratch
    }

    @Test func damagedForeignOtherVersionAndOtherModelDirectoriesAreNamed() throws {
        let (built, scratch) = try build()
        let directory = built.directory
        // Foreign: an empty directory, and a BM25 index directory alone.
        #expect(throws: CollectionError.notACollection(path: scratch.path)) { try IndexDirectory.open(scratch) }
        let bm25Part = directory.appendingPathComponent("bm25")
        #expect(throws: CollectionError.notACollection(path: bm25Part.path)) { try IndexDirectory.open(bm25Part) }

        // Another model: a copy of tiny-bert with a changed configuration has another fingerprint.
        let otherModel = scratch.appendingPathComponent("tiny-bert-copy")
        try FileManager.default.copyItem(at: TestPaths.tinyBert, to: otherModel)
        let config = otherModel.appendingPathComponent("config.json")
        try (try String(contentsOf: config, encoding: .utf8) + "\n").write(to: config, atomically: true, encoding: .utf8)
        let other = try EmbeddingModel.load(otherModel.path)
        #expect(throws: CollectionError.self) { try built.retriever(.dense, model: other) }
        #expect(throws: CollectionError.self) { try built.add([Document(id: "n", text: "t")], model: other) }

        // Another format version, and an unreadable manifest.
        let manifestURL = directory.appendingPathComponent(ManifestFile.name)
        let original = try Data(contentsOf: manifestURL)
        var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        object["formatVersion"] = 99
        try JSONSerialization.data(withJSONObject: object).write(to: manifestURL)
        #expect(throws: CollectionError.otherFormatVersion(path: directory.path, found: 99, expected: CollectionFormat.version)) {
            try IndexDirectory.open(directory)
        }
        object["formatVersion"] = CollectionFormat.version
        object["documentCount"] = "many"
        try JSONSerialization.data(withJSONObject: object).write(to: manifestURL)
        #expect(throws: CollectionError.self) { try IndexDirectory.open(directory) }
        try original.write(to: manifestURL)
        #expect(try IndexDirectory.open(directory, verifyChecksums: true).manifest.documentCount == 300)

        // A truncated file fails on open; a flipped byte fails the checksum.
        let texts = directory.appendingPathComponent("documents/texts.bin")
        let bytes = try Data(contentsOf: texts)
        try bytes.prefix(bytes.count - 1).write(to: texts)
        #expect(throws: CollectionError.corrupt(path: texts.path, reason: "\(bytes.count - 1) bytes, the manifest says \(bytes.count)")) {
            try IndexDirectory.open(directory)
        }
        var flipped = bytes
        flipped[flipped.count - 1] ^= 0xff
        try flipped.write(to: texts)
        #expect(throws: CollectionError.corrupt(path: texts.path, reason: "checksum mismatch")) {
            try IndexDirectory.open(directory, verifyChecksums: true)
        }
        // A part file missing.
        try bytes.write(to: texts)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("hnsw/deleted.u8"))
        #expect(throws: CollectionError.self) { try IndexDirectory.open(directory) }
    }

    @Test func buildRefusesDuplicateIDsAndMissingParts() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = scratch.appendingPathComponent("dup.jsonl")
        try """
            {"_id": "a", "title": "", "text": "one"}
            {"_id": "a", "title": "", "text": "two"}
            """.write(to: corpus, atomically: true, encoding: .utf8)
        let directory = scratch.appendingPathComponent("dup.idx")
        #expect(throws: CollectionError.duplicateDocumentID("a")) {
            try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(throws: CollectionError.noParts) {
            try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory, options: .init(bm25: false))
        }
        #expect(throws: CollectionError.hnswNeedsDense) {
            try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory, options: .init(hnsw: true))
        }
        let (bm25Only, _) = try build(.init(bm25: true))
        #expect(throws: CollectionError.missingPart(path: bm25Only.directory.path, part: "dense")) {
            try bm25Only.retriever(.hybrid)
        }
    }

    @Test func commandLineIndexSearchAddDelete() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try CollectionTestData.scifactSlice(0..<300, into: scratch, name: "corpus.jsonl")
        let extra = try CollectionTestData.scifactSlice(300..<310, into: scratch, name: "extra.jsonl")
        let directory = scratch.appendingPathComponent("c.idx").path
        // `--bm25` alone works as before: DIR/bm25 is a BM25 index.
        let bm25Only = scratch.appendingPathComponent("b.idx").path
        let plain = try TestPaths.runCLI(["index", corpus.path, "--out", bm25Only, "--bm25", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try BM25Index(directory: URL(fileURLWithPath: bm25Only).appendingPathComponent("bm25")).documentCount == 300)

        let built = try TestPaths.runCLI(["index", corpus.path, "--out", directory, "--bm25", "--dense", TestPaths.tinyBert.path,
                                          "--hnsw", "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("indexed 300 documents"))
        let search = try TestPaths.runCLI(["search", directory, "cardiac regeneration", "-k", "3", "--retriever", "hybrid",
                                           "--fusion", "interpolate", "--hybrid-weight", "0.3", "--json"])
        #expect(search.status == 0, "\(search.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any]
        let results = object?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 3 && results.allSatisfy { ($0["text"] as? String)?.isEmpty == false })

        let added = try TestPaths.runCLI(["index", "add", directory, extra.path, "--quiet"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("holds 310"))
        let again = try TestPaths.runCLI(["index", "add", directory, extra.path, "--quiet"])
        #expect(again.status != 0 && again.stderr.contains("occurs more than once"))
        let ids = try CollectionTestData.ids(of: extra)
        let deleted = try TestPaths.runCLI(["index", "delete", directory, ids[0], ids[1]])
        #expect(deleted.status == 0 && deleted.stdout.contains("holds 308"), "\(deleted.stderr)")
        let unknown = try TestPaths.runCLI(["index", "delete", directory, "no-such-id"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no document \"no-such-id\""))
        let foreign = try TestPaths.runCLI(["search", scratch.path, "q", "--retriever", "dense"])
        #expect(foreign.status != 0 && foreign.stderr.contains("is not a collection index directory"))
    }
}

@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct HybridEvalCommandTests {
    /// `eval --retriever hybrid` on a small BEIR dataset: interpolation with weight 0 ranks as BM25
    /// does and with weight 1 as dense does (same nDCG@10), and RRF runs.
    @Test func hybridEvalMatchesEachSideAtTheExtremeWeights() throws {
        let dataset = try TestPaths.temporaryDirectory()
        _ = try CollectionTestData.scifactSlice(0..<300, into: dataset, name: "corpus.jsonl")
        try FileManager.default.copyItem(at: TestPaths.scifact.appendingPathComponent("queries.jsonl"),
                                         to: dataset.appendingPathComponent("queries.jsonl"))
        try FileManager.default.createDirectory(at: dataset.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.scifact.appendingPathComponent("qrels/test.tsv"),
                                         to: dataset.appendingPathComponent("qrels/test.tsv"))
        let indexes = dataset.appendingPathComponent("indexes").path
        func ndcg(_ extra: [String]) throws -> Double {
            let result = try TestPaths.runCLI(["eval", dataset.path, "--index-dir", indexes, "--json", "--quiet", "--limit", "100"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return try #require(object?["ndcg_cut_10"] as? Double)
        }
        let model = ["--model", TestPaths.tinyBert.path]
        let bm25 = try ndcg(["--retriever", "bm25"])
        let dense = try ndcg(["--retriever", "dense"] + model)
        #expect(bm25 != dense)
        #expect(try ndcg(["--retriever", "hybrid", "--fusion", "interpolate", "--hybrid-weight", "0"] + model) == bm25)
        #expect(try ndcg(["--retriever", "hybrid", "--fusion", "interpolate", "--hybrid-weight", "1"] + model) == dense)
        let rrf = try ndcg(["--retriever", "hybrid"] + model)
        #expect(rrf > 0 && rrf <= 1)
        let refused = try TestPaths.runCLI(["eval", dataset.path, "--retriever", "hybrid"])
        #expect(refused.status != 0 && refused.stderr.contains("needs --model"))
    }
}

@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct IndexDirectoryResumeTests {
    /// Records every progress update.
    final class Recorder: ProgressReporter, @unchecked Sendable {
        // @unchecked: `updates` is touched under `lock` only.
        private let lock = NSLock()
        private var updates: [ProgressUpdate] = []
        func report(_ update: ProgressUpdate) { lock.withLock { updates.append(update) } }
        func finish(_ update: ProgressUpdate) { report(update) }
        func first(_ prefix: String) -> ProgressUpdate? { lock.withLock { updates.first { $0.task.hasPrefix(prefix) } } }
    }

    @Test func aKilledBuildResumesItsEmbeddings() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try CollectionTestData.scifactSlice(0..<300, into: scratch, name: "corpus.jsonl")
        let directory = scratch.appendingPathComponent("r.idx")
        // What a build killed after embedding 96 documents leaves in `.r.idx.building`.
        let model = try EmbeddingModel.load(TestPaths.tinyBert.path)
        let documents = try CorpusFile.open(corpus).collect()
        let staging = scratch.appendingPathComponent(".r.idx.building/dense")
        let builder = try DenseIndexBuilder(destination: staging, model: model.identity, source: try CorpusFingerprint(file: corpus))
        let first = Array(documents.prefix(96))
        try builder.append(ids: first.map(\.id), vectors: try model.embedder.embed(first.map(\.text), kind: .document).values)

        let recorder = Recorder()
        let built = try IndexDirectory.build(corpus: try CorpusFile.open(corpus), to: directory,
                                             options: .init(bm25: true, denseModel: TestPaths.tinyBert.path), progress: recorder)
        #expect(recorder.first("embedding documents")?.completed == 96)
        #expect(built.dense?.count == 300 && built.manifest.parts == [.documents, .bm25, .dense])
        // The resumed vectors are the ones a fresh embedding gives.
        for index in [0, 95, 96, 299] {
            let fresh = try model.embedder.embed([documents[index].text], kind: .document).values
            let stored = Array(try #require(built.dense).vector(at: index))
            #expect(zip(fresh, stored).allSatisfy { abs($0 - $1) < 1e-5 }, "document \(index)")
        }
        #expect(!FileManager.default.fileExists(atPath: staging.deletingLastPathComponent().path))
    }
}
