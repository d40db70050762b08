import Foundation
import Models
import TestSupport
import Testing
import Tokenizers
@testable import ReasonIR

/// `EmbeddingModel.load` picks the embedder from what the path holds: sentence-transformers for
/// BERT directories, the ReasonIR-style Llama embedder for Llama-family checkpoints and GGUF files.
@Suite struct EmbeddingModelTests {
    static let tinyLlama = TestPaths.fixtureModels.appendingPathComponent("tiny-llama")
    static let qwen = TestPaths.models.appendingPathComponent("Qwen2.5-Coder-0.5B-Instruct")
    static var hasQwen: Bool { TestPaths.hasModel("Qwen2.5-Coder-0.5B-Instruct", file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf") }

    @Test func formatIsDetectedFromThePath() throws {
        #expect(try EmbeddingModelFormat.detect(Self.tinyLlama) == .llamaSafetensors)
        #expect(try EmbeddingModelFormat.detect(TestPaths.tinyBert) == .sentenceTransformer)
        let directory = try TestPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("a.gguf")
        try Data().write(to: file)
        #expect(try EmbeddingModelFormat.detect(file) == .gguf)
        #expect(try EmbeddingModelFormat.detect(directory) == .gguf, "a directory holding one GGUF file")
        try Data().write(to: directory.appendingPathComponent("b.gguf"))
        #expect {
            try EmbeddingModelFormat.detect(directory)
        } throws: { error in
            "\(error)".contains("2 GGUF files") && "\(error)".contains("a.gguf, b.gguf")
        }
    }

    /// The safetensors Llama directory runs as a GritLM-style embedder: the same vectors as the
    /// embedder built by hand from the same files, queries with their instruction in the prompt.
    @Test func llamaDirectoryLoadsAsAReasonIRStyleEmbedder() throws {
        let loaded = try EmbeddingModel.load(Self.tinyLlama.path, threads: 1)
        let llama = try #require(loaded.llama)
        #expect(loaded.sentenceTransformer == nil)
        #expect(loaded.identity.settings["embedder"] == "gritlm")
        #expect(loaded.identity.dimension == llama.dimension)
        let byHand = try LlamaEmbedder(model: LlamaModel(directory: Self.tinyLlama), tokenizer: loadTokenizer(forModelAt: Self.tinyLlama),
                                       threads: 1, maxSequenceLength: llama.maxSequenceLength)
        let texts = ["The derivative of a constant is zero.", "Bayes' theorem relates conditional probabilities."]
        #expect(try loaded.embedder.embed(texts, kind: .document) == byHand.embed(texts, kind: .document))
        let instruction = "Given a math problem, retrieve the theorem that solves it"
        let query = try loaded.embedder.embed(texts, kind: .query(instruction: instruction))
        #expect(query == (try byHand.embed(texts, kind: .query(instruction: instruction))))
        #expect(query != (try loaded.embedder.embed(texts, kind: .document)), "the instruction is in the query's prompt")
        // Unit length, as every Embedder's.
        for row in query.rows { #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
        // The same files give the same identity (the cache key of its vectors).
        #expect(try EmbeddingModel.load(Self.tinyLlama.path, threads: 1).identity == loaded.identity)
    }

    @Test func bfloat16IsRefusedForLlamaModels() throws {
        #expect {
            try EmbeddingModel.load(Self.tinyLlama.path, threads: 1, precision: .bfloat16)
        } throws: { error in
            "\(error)".contains("--precision bfloat16") && "\(error)".contains("Llama-family")
        }
    }

    @Test(.enabled(if: hasQwen, "Qwen2.5-Coder GGUF not found: run scripts/fetch-models.sh qwen"))
    func ggufDirectoryLoadsTheFileItHolds() throws {
        let loaded = try EmbeddingModel.load(Self.qwen.path, threads: 2, maxSequenceLength: 64)
        let llama = try #require(loaded.llama)
        #expect(loaded.identity.name == "qwen2.5-coder-0.5b-instruct-q4_k_m")
        #expect(loaded.identity.dimension == 896 && llama.maxSequenceLength == 64)
        #expect(loaded.identity.settings["max_seq_length"] == "64")
        let vectors = try loaded.embedder.embed(["A prime number has two divisors.", "The sky is blue."], kind: .document)
        #expect(vectors.count == 2 && vectors.dimension == 896)
        #expect(vectors.values.allSatisfy { $0.isFinite })
        // A longer limit reads the same short texts the same way but is another identity.
        let longer = try EmbeddingModel.load(Self.qwen.path, threads: 2, maxSequenceLength: 128)
        #expect(longer.identity != loaded.identity && longer.identity.fingerprint == loaded.identity.fingerprint)
    }
}

/// The commands take a Llama-family `--model` as they take a BERT one.
@Suite struct LlamaEmbedderCLITests {
    @Test func evalIndexAndSearchRunWithALlamaCheckpoint() throws {
        let model = EmbeddingModelTests.tinyLlama.path
        let scratch = try TestPaths.temporaryDirectory()
        let evaluated = try TestPaths.runCLI(["eval", TestPaths.theoremQA.path, "--split", "dev", "--retriever", "dense",
                                              "--model", model, "--index-dir", scratch.appendingPathComponent("eval").path,
                                              "--json", "--quiet"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any]
        #expect(object != nil, "eval --json prints JSON: \(evaluated.stdout.prefix(300))")
        #expect(evaluated.stdout.contains("ndcg"), "\(evaluated.stdout.prefix(300))")

        let corpus = try CollectionTestData.scifactSlice(0..<40, into: scratch, name: "corpus.jsonl")
        let directory = scratch.appendingPathComponent("llama.idx").path
        let built = try TestPaths.runCLI(["index", corpus.path, "--out", directory, "--dense", model, "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        // A document's own text as the query: without an instruction the query prompt is the
        // document prompt, so the vector is the document's and it comes first.
        let lines = try String(contentsOf: corpus, encoding: .utf8).split(separator: "\n")
        let seventh = try #require(try JSONSerialization.jsonObject(with: Data(lines[7].utf8)) as? [String: Any])
        let text = [seventh["title"] as? String ?? "", seventh["text"] as? String ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        let search = try TestPaths.runCLI(["search", directory, text, "--retriever", "dense", "-k", "1", "--json"])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stdout.contains("\"\(seventh["_id"] as? String ?? "?")\""), "\(search.stdout.prefix(300))")
    }
}
