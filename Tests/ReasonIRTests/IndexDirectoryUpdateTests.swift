#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ReasonIR
import Testing
import TestSupport

/// Updates of a collection beyond add and delete: replacing documents by id, rebuilding the HNSW
/// graph once tombstones pile up (or on `compact`), Float16 vectors, and the writer lock.
@Suite(.enabled(if: TestPaths.hasTinyBert, "needs shared/fixtures/models/tiny-bert"))
struct IndexDirectoryUpdateTests {
    /// The share of exact search's top 10 that the collection's dense retriever (HNSW) finds.
    func denseRecall(_ collection: IndexDirectory, model: EmbeddingModel, queries: [String]) throws -> Double {
        let approximate = try collection.retriever(.dense, model: model).retrieve(queries, k: 10, excluding: nil, progress: SilentProgress())
        let exact = try collection.retriever(.dense, model: model, exact: true).retrieve(queries, k: 10, excluding: nil,
                                                                                          progress: SilentProgress())
        var found = 0, total = 0
        for (hits, truth) in zip(approximate, exact) {
            let wanted = Set(truth.map(\.id))
            found += hits.filter { wanted.contains($0.id) }.count
            total += truth.count
        }
        return Double(found) / Double(total)
    }

    @Test func upsertReplacesADocumentInEveryPart() throws {
        let (built, _) = try CollectionTestData.collection()
        let model = try built.loadModel()
        let old = built.documents.document(at: 17)
        let replacement = Document(id: old.id, text: "Zebrafish regenerate cardiac tissue after cryoinjury within weeks")
        let fresh = Document(id: "new-1", text: "Tardigrades survive desiccation through intrinsically disordered proteins")
        // Without replacing, an id already there is still an error, and nothing changes.
        #expect(throws: CollectionError.duplicateDocumentID(old.id)) { try built.add([replacement], model: model) }
        #expect(throws: CollectionError.duplicateDocumentID("x")) {
            try built.upsert([Document(id: "x", text: "a"), Document(id: "x", text: "b")], model: model)
        }
        #expect(try IndexDirectory.open(built.directory).manifest.generation == 0)

        let updated = try built.upsert([replacement, fresh], model: model)
        #expect(updated.manifest.documentCount == 301 && updated.manifest.generation == 1)
        let reopened = try IndexDirectory.open(built.directory, verifyChecksums: true)
        #expect(reopened.documents.document(id: old.id)?.text == replacement.text)
        #expect(reopened.bm25?.documentCount == 301 && reopened.dense?.count == 301 && reopened.hnsw?.count == 301)
        // The graph tombstoned the old node and linked the new one.
        #expect(reopened.hnsw?.deletedCount == 1 && reopened.hnsw?.nodeCount == 302)
        for kind in IndexDirectory.RetrieverKind.allCases {
            #expect(try reopened.search(replacement.text, k: 1, retriever: kind, model: model).first?.id == old.id, "\(kind)")
            #expect(try reopened.search(fresh.text, k: 1, retriever: kind, model: model).first?.id == "new-1", "\(kind)")
        }
        // The stored vector is the new text's, and BM25 no longer knows the old text's own words.
        let dense = try #require(reopened.dense)
        let row = try #require((0..<dense.count).first { dense.documentID(at: $0) == old.id })
        let embedded = try model.embedder.embed([replacement.text], kind: .document).values
        #expect(zip(dense.vector(at: row), embedded).allSatisfy { abs($0 - $1) < 1e-5 })
        let oldHits = try reopened.search(old.text, k: 300, retriever: .bm25)
        #expect(try built.search(old.text, k: 1, retriever: .bm25).first?.id == old.id)
        #expect(oldHits.first?.id != old.id)
    }

    @Test func tombstonesPastTheThresholdRebuildTheGraphAndCompactDoesItAtOnce() throws {
        let (built, _) = try CollectionTestData.collection()
        let model = try built.loadModel()
        let ids = (0..<300).map { built.documents.ids[$0] }
        // 10% deleted: below the threshold, the graph keeps tombstones.
        let fewer = try built.delete(ids: Array(ids[0..<30]))
        #expect(fewer.hnsw?.deletedCount == 30 && fewer.hnsw?.nodeCount == 300)
        let compacted = try fewer.compact()
        #expect(compacted.hnsw?.deletedCount == 0 && compacted.hnsw?.nodeCount == 270 && compacted.manifest.generation == 2)
        #expect(compacted.hnsw?.documentID(at: 0) == ids[30])  // rebuilt in the collection's order
        // Half of what is left deleted in one update: past 20%, rebuilt from the live vectors.
        let half = try compacted.delete(ids: Array(ids[30..<165]))
        #expect(half.manifest.documentCount == 135 && half.hnsw?.deletedCount == 0 && half.hnsw?.nodeCount == 135)
        let queries = try CollectionTestData.queries(60)
        let recall = try denseRecall(half, model: model, queries: queries)
        #expect(recall >= 0.95, "HNSW recall@10 against exact search after deleting half: \(recall)")
        let hits = try half.search(queries[0], k: 135, retriever: .dense, model: model)
        #expect(!hits.contains { Set(ids[0..<165]).contains($0.id) })
    }

    @Test func float16CollectionsBuildSearchAndUpdate() throws {
        let (built, scratch) = try CollectionTestData.collection(.init(bm25: true, denseModel: TestPaths.tinyBert.path, hnsw: true,
                                                                       vectorType: .f16))
        #expect(built.manifest.vectorType == .f16 && built.dense?.vectorType == .f16 && built.hnsw?.vectorType == .f16)
        #expect(built.manifest.files["dense/vectors.f16"]?.bytes == 300 * (built.manifest.model?.dimension ?? 0) * 2)
        #expect(built.manifest.files["dense/vectors.f32"] == nil && built.manifest.files["hnsw/vectors.f16"] != nil)
        let model = try built.loadModel()
        let document = built.documents.document(at: 42)
        for kind in IndexDirectory.RetrieverKind.allCases {
            #expect(try built.search(document.text, k: 1, retriever: kind, model: model).first?.id == document.id, "\(kind)")
        }
        // f16 beside f32 on the same collection: the exact top 10's scores agree rank by rank to
        // Float16 rounding (tiny-bert's random weights make near-ties everywhere, so the ids may
        // swap; recall on random data is in HalfPrecisionTests).
        let (wide, _) = try CollectionTestData.collection(.init(bm25: false, denseModel: TestPaths.tinyBert.path))
        let queries = try CollectionTestData.queries(50)
        let half = try built.retriever(.dense, model: model, exact: true).retrieve(queries, k: 10, excluding: nil, progress: SilentProgress())
        let full = try wide.retriever(.dense, model: model, exact: true).retrieve(queries, k: 10, excluding: nil, progress: SilentProgress())
        for (a, b) in zip(half, full) {
            #expect(a.count == 10 && zip(a, b).allSatisfy { abs($0.score - $1.score) < 1e-3 })
        }
        // Updates keep the vector type.
        let added = try built.upsert([Document(id: document.id, text: "Tardigrades survive desiccation")], model: model)
        #expect(added.dense?.vectorType == .f16 && added.hnsw?.vectorType == .f16 && added.manifest.vectorType == .f16)
        #expect(try added.search("Tardigrades survive desiccation", k: 1, retriever: .dense, model: model).first?.id == document.id)

        // A collection manifest written before Float16 (no vectorType) opens as before.
        let (plain, _) = try CollectionTestData.collection(.init(bm25: true, denseModel: TestPaths.tinyBert.path, hnsw: true))
        let manifestURL = plain.directory.appendingPathComponent(ManifestFile.name)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        #expect(object["vectorType"] as? String == "f32")
        object["vectorType"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: manifestURL)
        let old = try IndexDirectory.open(plain.directory)
        #expect(old.manifest.vectorType == nil && old.dense?.vectorType == .f32)
        _ = scratch
    }

    @Test func commandLineVectorTypeReplaceAndCompact() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try CollectionTestData.scifactSlice(0..<200, into: scratch, name: "corpus.jsonl")
        let changed = scratch.appendingPathComponent("changed.jsonl")
        let ids = try CollectionTestData.ids(of: corpus)
        try """
            {"_id": "\(ids[3])", "title": "", "text": "Zebrafish regenerate cardiac tissue after cryoinjury"}
            {"_id": "brand-new", "title": "", "text": "Tardigrades survive desiccation"}

            """.write(to: changed, atomically: true, encoding: .utf8)
        let directory = scratch.appendingPathComponent("c.idx").path
        let built = try TestPaths.runCLI(["index", corpus.path, "--out", directory, "--dense", TestPaths.tinyBert.path, "--hnsw",
                                          "--vector-type", "f16", "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("indexed 200 documents") && built.stdout.contains("f16"))
        #expect(try IndexDirectory.open(URL(fileURLWithPath: directory)).manifest.vectorType == .f16)
        let refused = try TestPaths.runCLI(["index", "add", directory, changed.path, "--quiet"])
        #expect(refused.status != 0 && refused.stderr.contains("occurs more than once"))
        let replaced = try TestPaths.runCLI(["index", "add", directory, changed.path, "--replace", "--quiet"])
        #expect(replaced.status == 0 && replaced.stdout.contains("holds 201"), "\(replaced.stderr)")
        let search = try TestPaths.runCLI(["search", directory, "Zebrafish regenerate cardiac tissue after cryoinjury",
                                           "--retriever", "dense", "-k", "1", "--json"])
        #expect(search.status == 0, "\(search.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any]
        #expect((object?["results"] as? [[String: Any]])?.first?["id"] as? String == ids[3], "\(search.stdout)")
        let compacted = try TestPaths.runCLI(["index", "compact", directory, "--quiet"])
        #expect(compacted.status == 0 && compacted.stdout.contains("1 deleted HNSW nodes dropped"), "\(compacted.stderr)")
        #expect(try IndexDirectory.open(URL(fileURLWithPath: directory), verifyChecksums: true).hnsw?.deletedCount == 0)
        let bad = try TestPaths.runCLI(["index", corpus.path, "--out", directory, "--dense", TestPaths.tinyBert.path,
                                        "--vector-type", "f8"])
        #expect(bad.status != 0 && bad.stderr.contains("vector-type"))
    }

    @Test func aSecondWriterWaitsOrFailsNamingTheDirectoryAndProcess() throws {
        let (built, scratch) = try CollectionTestData.collection(.init(bm25: true))
        let directory = built.directory
        let victim = built.documents.ids[0]
        // This process holds the lock: a `reasonir index delete` in another process fails at once,
        // naming the directory and this process; readers go on.
        let lock = try DirectoryWriterLock(directory: directory)
        let refused = try TestPaths.runCLI(["index", "delete", directory.path, victim])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("index directory \(directory.path) is being written by process \(getpid())"), "\(refused.stderr)")
        let search = try TestPaths.runCLI(["search", directory.path, "protein", "-k", "2"])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(throws: DirectoryLockError.busy(directory: directory.path, pid: getpid())) { try built.delete(ids: [victim]) }

        // With --wait it waits for the lock and then deletes.
        let waiting = Process()
        waiting.executableURL = TestPaths.executable
        waiting.arguments = ["index", "delete", directory.path, victim, "--wait", "60"]
        waiting.standardOutput = FileHandle.nullDevice
        waiting.standardError = FileHandle.nullDevice
        try waiting.run()
        usleep(700_000)
        #expect(waiting.isRunning)
        #expect(try IndexDirectory.open(directory).manifest.documentCount == 300)
        lock.release()
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(try IndexDirectory.open(directory).manifest.documentCount == 299)
        #expect(!FileManager.default.fileExists(atPath: DirectoryWriterLock.lockFile(for: directory).path))
        _ = scratch
    }

    @Test func twoWritersAtOnceLoseNoUpdate() throws {
        let scratch = try TestPaths.temporaryDirectory()
        let corpus = try CollectionTestData.scifactSlice(0..<300, into: scratch, name: "corpus.jsonl")
        let first = try CollectionTestData.scifactSlice(300..<320, into: scratch, name: "first.jsonl")
        let second = try CollectionTestData.scifactSlice(320..<340, into: scratch, name: "second.jsonl")
        let directory = scratch.appendingPathComponent("two.idx")
        let built = try TestPaths.runCLI(["index", corpus.path, "--out", directory.path, "--bm25", "--dense", TestPaths.tinyBert.path,
                                          "--hnsw", "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        // Both read the 300-document state; without the lock the later commit would drop the other's documents.
        let writers = try [first, second].map { file in
            let process = Process()
            process.executableURL = TestPaths.executable
            process.arguments = ["index", "add", directory.path, file.path, "--wait", "120", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in writers {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let result = try IndexDirectory.open(directory, verifyChecksums: true)
        #expect(result.manifest.documentCount == 340 && result.manifest.generation == 2)
        #expect(result.bm25?.documentCount == 340 && result.dense?.count == 340 && result.hnsw?.count == 340)
        for id in try CollectionTestData.ids(of: first) + CollectionTestData.ids(of: second) {
            #expect(result.documents.document(id: id) != nil, "\(id)")
        }
    }
}
