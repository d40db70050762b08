import ArgumentParser
import Foundation
import ReasonIR

/// `reasonir embed`: prints the vectors of texts.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with a local model and print the L2-normalised vectors.",
        discussion: """
            --json prints a JSON array with one array of numbers per text; otherwise one line of \
            space-separated numbers per text. Texts are documents unless --query is given.
            With --input, the texts come from a file (a JSONL corpus, BEIR or BRIGHT, or plain \
            text, one per line); with --output the vectors go to a raw little-endian Float32 file \
            (rows in input order). --stats prints a JSON line on stderr with the number of texts, \
            their token lengths and the seconds spent embedding (model loading excluded).

            Examples:
                reasonir embed --model all-MiniLM-L6-v2 --json "A text" "Another text"
                reasonir embed --model all-MiniLM-L6-v2 --input corpus.jsonl --output corpus.f32 --stats
            """)

    @Option(help: "The embedding model, by name or path: a sentence-transformers directory, or a Llama/Qwen checkpoint (safetensors directory or GGUF file) run as a ReasonIR-style embedder.")
    var model: String

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    @Option(help: ArgumentHelp("Read the texts from a file: JSONL corpus or one text per line.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Write the vectors as raw Float32 to this file instead of printing them.", valueName: "file"))
    var output: String?

    @Flag(help: "Print timing and token statistics as JSON on stderr.")
    var stats = false

    @Flag(help: "Embed the texts as queries (with --instruction, if given).")
    var query = false

    @Option(help: "Text put before each query.")
    var instruction: String?

    @Option(help: "Threads (default: every core).")
    var threads: Int = defaultThreadCount

    @Option(help: ArgumentHelp("float32, or bfloat16: dense products on bfloat16 inputs (faster on AVX512-BF16 CPUs, vectors slightly different).", valueName: "precision"))
    var precision: ComputePrecision = .float32

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if texts.isEmpty && input == nil { throw ValidationError("Give at least one text, or --input FILE.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    private func readInput(_ path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        if path.hasSuffix(".jsonl") {
            return try CorpusFile.open(url).map { try $0.get().text }
        }
        var lines = try LineReader(url: url).makeIterator()
        var texts: [String] = []
        while let line = try lines.nextLine() {
            guard let text = line.string else { throw FileError.invalidUTF8(path: path, line: line.number) }
            texts.append(text)
        }
        return texts
    }

    func run() throws {
        try reportingErrors {
            let loaded = try EmbeddingModel.load(model, threads: threads, precision: precision)
            let all = try texts + (input.map(readInput) ?? [])
            let start = Date()
            let kind: EmbeddingKind = query ? .query(instruction: instruction) : .document
            let vectors = try loaded.embedder.embed(all, kind: kind)
            let seconds = Date().timeIntervalSince(start)
            if stats {
                var fields: [String: Any] = ["texts": all.count, "seconds": seconds, "threads": threads,
                                             "precision": precision.rawValue, "dimension": loaded.embedder.dimension]
                if let embedder = loaded.sentenceTransformer {
                    fields["lengths"] = all.map { embedder.tokenizer.encode($0, addSpecialTokens: true, maxLength: embedder.maxSequenceLength).count }
                    fields["max_seq_length"] = embedder.maxSequenceLength
                } else if let embedder = loaded.llama {
                    // Prompt included, as the model reads it.
                    let prompt = embedder.prompt(for: kind)
                    fields["lengths"] = all.map { embedder.tokenizer.encode(prompt + $0, addSpecialTokens: true, maxLength: embedder.maxSequenceLength).count }
                    fields["max_seq_length"] = embedder.maxSequenceLength
                }
                let line = try JSONSerialization.data(withJSONObject: fields)
                warn(String(decoding: line, as: UTF8.self))
            }
            if let output {
                try vectors.values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output), options: .atomic) }
            } else if json {
                // Shortest round-trip decimal per value, so the JSON reads back bit-exact.
                let rows = (0..<vectors.count).map { row in "[" + vectors[row].map { "\($0)" }.joined(separator: ", ") + "]" }
                print("[" + rows.joined(separator: ", ") + "]")
            } else {
                for row in 0..<vectors.count { print(vectors[row].map { "\($0)" }.joined(separator: " ")) }
            }
        }
    }
}
