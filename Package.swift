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
        // A strict JSON parser that keeps member order and exact text (vocabularies, JSONL rows).
        .target(name: "JSON"),
        // Analyzers, BM25 (BRIGHT and Lucene), on-disk inverted index, search results.
        .target(name: "Retrieval"),
        // tokenizer.json: normalizers, pre-tokenizers, WordPiece, byte-level BPE, post-processors.
        .target(name: "Tokenizers", dependencies: ["JSON"]),
        // Datasets (BEIR, BRIGHT), TREC runs and qrels, metrics equal to pytrec_eval.
        .target(name: "Evaluation", dependencies: ["Retrieval", "JSON"]),
        // The facade most users import: index, search and evaluate in a few calls.
        .target(name: "ReasonIR", dependencies: ["Retrieval", "Evaluation"]),
        .executableTarget(
            name: "reasonir",
            dependencies: ["ReasonIR", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test data locations (shared fixtures, models, scratch directories) for every test target.
        .target(name: "TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "JSON", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "ReasonIRTests", dependencies: ["ReasonIR", "TestSupport"]),
    ]
)
