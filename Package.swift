// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ReasonIR",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReasonIR", targets: ["ReasonIR"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "LLM", targets: ["LLM"]),
        .library(name: "Reasoning", targets: ["Reasoning"]),
        .executable(name: "reasonir", targets: ["reasonir"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Analyzers, BM25 (BRIGHT and Lucene), on-disk inverted index, search results.
        .target(name: "Retrieval"),
        // tokenizer.json: normalizers, pre-tokenizers, WordPiece, byte-level BPE, post-processors.
        .target(name: "Tokenizers"),
        // Datasets (BEIR, BRIGHT), TREC runs and qrels, metrics equal to pytrec_eval.
        .target(name: "Evaluation", dependencies: ["Retrieval"]),
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
        // The facade most users import: index, search and evaluate in a few calls.
        .target(name: "ReasonIR", dependencies: ["Retrieval", "Evaluation", "LLM", "Reasoning"]),
        .executableTarget(
            name: "reasonir",
            dependencies: ["ReasonIR", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "ReasonIRTests", dependencies: ["ReasonIR"]),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ReasoningTests", dependencies: ["Reasoning", "LLM"]),
    ]
)
