// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ReasonIR",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReasonIR", targets: ["ReasonIR"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .executable(name: "reasonir", targets: ["reasonir"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Analyzers, BM25 (BRIGHT and Lucene), on-disk inverted index, search results.
        .target(name: "Retrieval", dependencies: ["Tensor", "CKernels"]),
        // tokenizer.json: normalizers, pre-tokenizers, WordPiece, byte-level BPE, post-processors.
        .target(name: "Tokenizers"),
        // Datasets (BEIR, BRIGHT), TREC runs and qrels, metrics equal to pytrec_eval.
        .target(name: "Evaluation", dependencies: ["Retrieval"]),
        // The facade most users import: index, search and evaluate in a few calls.
        .target(name: "ReasonIR", dependencies: ["Retrieval", "Evaluation", "Models", "Tokenizers"]),
        // OpenBLAS through its C interface (Debian: libopenblas-dev; `pkg-config openblas` gives the header path).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // Vectorised elementwise kernels (erf-GELU, LayerNorm, softmax, F16/BF16 conversion), AVX2/FMA chosen at run time.
        .target(name: "CKernels"),
        // Float32 matrices and views, sgemm through BLAS, elementwise ops, a fixed thread pool.
        .target(name: "Tensor", dependencies: ["CBLAS", "CKernels"]),
        // safetensors (memory-mapped, sharded), config.json, sentence-transformers module files.
        .target(name: "ModelFiles", dependencies: ["Tensor"]),
        // The BERT encoder, pooling and the Embedder protocol with a sentence-transformers embedder.
        .target(name: "Models", dependencies: ["Tensor", "ModelFiles", "Tokenizers"]),
        // Throughput of the BERT encoder and sgemm (release build): `swift run -c release bert-bench <model dir>`.
        .executableTarget(name: "bert-bench", dependencies: ["Models", "Tensor", "ModelFiles"]),
        // Vector search against FAISS and hnswlib (release build), driven by benchmarks/vector_bench.py.
        .executableTarget(name: "vector-bench", dependencies: ["Retrieval", "Tensor"]),
        .executableTarget(
            name: "reasonir",
            dependencies: ["ReasonIR", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "CKernels"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "ReasonIRTests", dependencies: ["ReasonIR"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensor"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "ModelFiles", "Tensor", "Tokenizers"]),
    ]
)
