// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ReasonIR",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReasonIR", targets: ["ReasonIR"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "LLM", targets: ["LLM"]),
        .library(name: "Reasoning", targets: ["Reasoning"]),
        .library(name: "Synthesis", targets: ["Synthesis"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "RAG", targets: ["RAG"]),
        .executable(name: "reasonir", targets: ["reasonir"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // A strict JSON parser that keeps member order and exact text (vocabularies, JSONL rows).
        .target(name: "JSON"),
        // Analyzers, BM25 (BRIGHT and Lucene), on-disk inverted index, search results.
        .target(name: "Retrieval", dependencies: ["Tensor", "CKernels"]),
        // tokenizer.json: normalizers, pre-tokenizers, WordPiece, byte-level BPE, post-processors.
        .target(name: "Tokenizers", dependencies: ["JSON"]),
        // Datasets (BEIR, BRIGHT as JSONL or the hub's Parquet files), TREC runs and qrels, metrics equal to pytrec_eval.
        .target(name: "Evaluation", dependencies: ["Retrieval", "JSON", "Parquet"]),
        // The facade most users import: index, search and evaluate in a few calls.
        .target(name: "ReasonIR", dependencies: ["Retrieval", "Evaluation", "Models", "Tokenizers", "LLM", "Reasoning", "Synthesis"]),
        // OpenBLAS through its C interface (Debian: libopenblas-dev; `pkg-config openblas` gives the header path).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // Snappy, Zstandard and zlib through their C interfaces, for Parquet's compression codecs
        // (Debian: libsnappy-dev, libzstd-dev, zlib1g-dev).
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // A Parquet reader (footer, Thrift metadata, pages, dictionary/RLE encodings, nested lists),
        // memory-mapped and streamed by row group: BRIGHT's Hugging Face files.
        .target(name: "Parquet", dependencies: ["Tensor", "CSnappy", "CZstd", "CZlib"]),
        // Vectorised elementwise kernels (erf-GELU, LayerNorm, softmax, F16/BF16 conversion), AVX2/FMA chosen at run time.
        .target(name: "CKernels"),
        // Float32 matrices and views, sgemm through BLAS, elementwise ops, a fixed thread pool.
        .target(name: "Tensor", dependencies: ["CBLAS", "CKernels"]),
        // safetensors (memory-mapped, sharded), GGUF (metadata, block dequantization, quantized products),
        // config.json, sentence-transformers module files.
        .target(name: "ModelFiles", dependencies: ["Tensor", "JSON"]),
        // The BERT encoder and the Llama/Qwen2 model, pooling, embedders (sentence-transformers, ReasonIR)
        // and generation (KV cache, sampling, the TextGenerator protocol).
        .target(name: "Models", dependencies: ["Tensor", "ModelFiles", "Tokenizers"]),
        // Throughput of the BERT encoder and sgemm (release build): `swift run -c release bert-bench <model dir>`.
        .executableTarget(name: "bert-bench", dependencies: ["Models", "Tensor", "ModelFiles"]),
        // Memory and speed of the Llama engine on a random ~1B BF16 model it writes (release build):
        // `swift run -c release llama-bench`.
        .executableTarget(name: "llama-bench", dependencies: ["Models", "Tensor", "ModelFiles"]),
        // Chat and embedding models behind an OpenAI-compatible HTTP API: retries, bounded
        // concurrency, an on-disk response cache.
        .target(
            name: "LLM",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Test-time reasoning: LLM query rewriting (BRIGHT) and LLM reranking (ReasonIR).
        .target(name: "Reasoning", dependencies: ["LLM", "Retrieval"]),
        // ReasonIR-Synthesizer: seed selection, hard queries, varied-length data, hard negatives, training files.
        .target(name: "Synthesis", dependencies: ["LLM", "Retrieval", "JSON"]),
        // Results as one self-contained HTML page: per-task bars, averages, every metric, test-time
        // compute curves and RAG accuracy, drawn as inline SVG (`reasonir report`).
        .target(name: "Report", dependencies: ["Evaluation", "JSON"]),
        // Retrieval-augmented answering: prompts, TheoremQA's answer extraction and scoring, letter
        // scoring for multiple choice, bootstrap and McNemar statistics, the journaled run loop.
        .target(name: "RAG", dependencies: ["LLM", "JSON"]),
        // Parquet read speed, one thread (release build), beside pyarrow: benchmarks/parquet_speed.sh.
        .executableTarget(name: "parquet-bench", dependencies: ["Parquet"]),
        // Vector search against FAISS and hnswlib (release build), driven by benchmarks/vector_bench.py.
        .executableTarget(name: "vector-bench", dependencies: ["Retrieval", "Tensor"]),
        // Quantized GGUF products beside sgemm (release build): `swift run -c release quant-bench <file.gguf>`.
        .executableTarget(name: "quant-bench", dependencies: ["ModelFiles", "Tensor"]),
        // Contrastive training: backward passes of the BERT encoder, MultipleNegativesRankingLoss, GradCache,
        // AdamW and schedules, the no-duplicates batch sampler, data loading, checkpoints, saved models.
        .target(name: "Training", dependencies: ["Models", "ModelFiles", "Tensor", "Tokenizers", "CKernels", "JSON"]),
        // `reasonir serve`: OpenAI-, TEI- and Cohere-compatible HTTP routes for embeddings, rerank, search
        // and local generation, on Hummingbird 2.
        .target(
            name: "Server",
            dependencies: [
                "ReasonIR", "JSON", "LLM", "Reasoning", "Retrieval", "Models",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "reasonir",
            dependencies: [
                "ReasonIR", "RAG", "Report", "Server", "Tensor", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test data locations (shared fixtures, models, scratch directories), the CLI runner and a
        // scriptable OpenAI-compatible server on loopback, for every test target.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "CKernels", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "JSON", "TestSupport"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "JSON", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "ReasonIRTests", dependencies: ["ReasonIR", "Tensor", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels", "TestSupport"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensor", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "ModelFiles", "Tensor", "Tokenizers", "TestSupport"]),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Evaluation", "JSON", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "ModelFiles", "Tensor", "JSON", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ReasoningTests", dependencies: ["Reasoning", "LLM"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "ReasonIR", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "RAGTests", dependencies: ["RAG", "LLM", "JSON", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "LLM", "Retrieval", "JSON", "TestSupport"]),
    ]
)
