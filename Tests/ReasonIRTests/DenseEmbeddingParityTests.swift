import Foundation
import Testing
import TestSupport
@testable import ReasonIR

/// all-MiniLM-L6-v2 end to end (our WordPiece, encoder, pooling, batching) against
/// sentence-transformers' vectors: `minilm_st.json` and `minilm_scifact_docs200.f32.bin`.
@Suite(.enabled(if: TestPaths.hasMiniLM, "needs all-MiniLM-L6-v2: run scripts/fetch-models.sh (or set REASONIR_MODELS)"))
struct DenseEmbeddingParityTests {
    static let model = Result { try EmbeddingModel.load(TestPaths.miniLM.path) }

    struct Golden: Decodable {
        let texts: [String]
        let embeddings: [[Double]]
    }

    @Test func miniLMTextsMatchSentenceTransformers() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("minilm_st.json")))
        let vectors = try Self.model.get().embedder.embed(golden.texts, kind: .document)
        for i in golden.texts.indices {
            #expect(cosine(vectors[i], golden.embeddings[i]) >= 0.99999, "text \(i)")
        }
    }

    /// The first 48 of the 200 golden documents (long ones are truncated at 256 tokens): enough to
    /// cover truncation and length-sorted batching while keeping a debug-build test quick.
    @Test func miniLMSciFactDocumentsMatchSentenceTransformers() throws {
        let index = try TestPaths.json("minilm_scifact_embeddings_index.json")
        let ids = Array((index["doc_ids"] as! [String]).prefix(48))
        let dimension = index["dims"] as! Int
        let raw = try Data(contentsOf: TestPaths.golden.appendingPathComponent("minilm_scifact_docs200.f32.bin"))
        let expected = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        var documents: [Document] = []
        for record in try BEIRDataset(directory: TestPaths.scifact).corpus() {
            documents.append(try record.get())
            if documents.count == ids.count { break }
        }
        #expect(documents.map(\.id) == ids)
        let vectors = try Self.model.get().embedder.embed(documents.map(\.text), kind: .document)
        var worst = 1.0
        for i in ids.indices {
            worst = min(worst, cosine(vectors[i], expected[(i * dimension)..<((i + 1) * dimension)].map(Double.init)))
        }
        #expect(worst >= 0.99999, "lowest cosine \(worst)")
    }

    @Test func embedCommandPrintsTheVectors() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("minilm_st.json")))
        let result = try TestPaths.runCLI(["embed", "--model", "all-MiniLM-L6-v2", "--json"] + golden.texts,
                                          environment: ["REASONIR_MODELS": TestPaths.models.path])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[Double]]
        #expect(printed.count == golden.texts.count)
        for (row, expected) in zip(printed, golden.embeddings) {
            #expect(cosine(row.map(Float.init), expected) >= 0.99999)
        }
    }

    /// `--precision bfloat16`: close to the float32 reference, not equal to it, and cached apart.
    @Test func bfloat16PrecisionFromTheCommandLine() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: TestPaths.golden.appendingPathComponent("minilm_st.json")))
        let result = try TestPaths.runCLI(["embed", "--model", "all-MiniLM-L6-v2", "--precision", "bfloat16", "--json"] + golden.texts,
                                          environment: ["REASONIR_MODELS": TestPaths.models.path])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[Double]]
        #expect(printed.count == golden.texts.count)
        let cosines = zip(printed, golden.embeddings).map { cosine($0.map(Float.init), $1) }
        #expect(cosines.allSatisfy { $0 >= 0.9999 }, "\(cosines)")
        #expect(cosines.contains { $0 < 0.9999999 }, "bfloat16 gave float32 vectors")

        let float32 = try EmbeddingModel.load(TestPaths.miniLM.path, threads: 1)
        let bfloat16 = try EmbeddingModel.load(TestPaths.miniLM.path, threads: 1, precision: .bfloat16)
        #expect(bfloat16.identity.settings["precision"] == "bfloat16")
        #expect(float32.identity.settings["precision"] == nil, "float32 identities (and their caches) unchanged")
        #expect(DenseIndexing.cacheKind(for: float32) != DenseIndexing.cacheKind(for: bfloat16))

        let bad = try TestPaths.runCLI(["embed", "--model", "all-MiniLM-L6-v2", "--precision", "half", "x"],
                                       environment: ["REASONIR_MODELS": TestPaths.models.path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("precision"), "\(bad.stderr)")
    }

    @Test func anUnknownModelNameIsAClearError() throws {
        let result = try TestPaths.runCLI(["embed", "--model", "no-such-model", "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("model no-such-model not found"))
    }
}
