import Dispatch
import Foundation
import LLM
import Models

/// An ``Embedder`` that asks an OpenAI-compatible `/v1/embeddings` server (vLLM or TEI serving
/// ReasonIR-8B on GPUs, `reasonir serve`, llama.cpp's server): texts go out in batches of
/// `batchSize`, several batches in flight at once (the client's concurrency bound), each
/// retried and cached by the client. The vectors come back L2-normalised whatever the server
/// does, as the protocol promises.
///
/// A query's instruction is put before its text, as sentence-transformers' `prompt` does: the
/// server sees one plain string and pools it as it pools every input.
///
/// `embed` is synchronous: it blocks its thread until the answers are in. Call it from a
/// thread of your own (a command's main thread, a `Thread`), not from a task of Swift's
/// cooperative pool, which a blocked thread can starve.
public final class ServerEmbedder: Embedder {
    public let client: any RemoteEmbedder
    public let dimension: Int
    /// Texts per request.
    public let batchSize: Int

    public init(client: any RemoteEmbedder, dimension: Int, batchSize: Int = 32) {
        self.client = client
        self.dimension = dimension
        self.batchSize = max(1, batchSize)
    }

    public func embed(_ texts: [String], kind: EmbeddingKind) throws -> EmbeddingMatrix {
        var inputs = texts
        if case .query(let instruction?) = kind { inputs = texts.map { instruction + $0 } }
        let batches = stride(from: 0, to: inputs.count, by: batchSize).map { Array(inputs[$0..<min($0 + batchSize, inputs.count)]) }
        let client = self.client
        let answers = try Self.wait {
            try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                for (number, batch) in batches.enumerated() {
                    group.addTask { (number, try await client.embed(batch)) }
                }
                var answers = [[[Float]]](repeating: [], count: batches.count)
                for try await (number, vectors) in group { answers[number] = vectors }
                return answers
            }
        }
        var values = [Float]()
        values.reserveCapacity(texts.count * dimension)
        for (number, vectors) in answers.enumerated() {
            for (offset, vector) in vectors.enumerated() {
                guard vector.count == dimension else {
                    throw ServerEmbedderError.wrongDimension(text: number * batchSize + offset, found: vector.count, expected: dimension)
                }
                guard vector.allSatisfy(\.isFinite) else { throw ServerEmbedderError.notFinite(text: number * batchSize + offset) }
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                values.append(contentsOf: norm > 0 ? vector.map { $0 / norm } : vector)
            }
        }
        return EmbeddingMatrix(count: texts.count, dimension: dimension, values: values)
    }

    /// Runs `work` on the cooperative pool and blocks this thread until it ends.
    static func wait<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Value>()
        Task.detached {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// The hand-over of one result between the task that makes it and the thread that waits for it
/// (the semaphore orders the write before the read).
private final class ResultBox<Value>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}

/// What a remote embeddings server answered that cannot be used.
public enum ServerEmbedderError: Error, CustomStringConvertible, Equatable {
    case wrongDimension(text: Int, found: Int, expected: Int)
    case notFinite(text: Int)

    public var description: String {
        switch self {
        case .wrongDimension(let text, let found, let expected):
            return "the embeddings server sent a \(found)-dimensional vector for text \(text + 1) of the request, "
                + "expected \(expected) (is it still serving the same model?)"
        case .notFinite(let text):
            return "the embeddings server sent a vector with NaN or infinite values for text \(text + 1)"
        }
    }
}

extension EmbeddingModel {
    /// The model an OpenAI-compatible embeddings server serves, reached through `client`: its
    /// dimension is asked once with a probe text. The identity that keys cached vectors is the
    /// served model's name (`configuration.model`, else the probe answer's `model`, else the
    /// first id of `/v1/models`) with the
    /// dimension, not the server's address, so a server moved to another port keeps its cache;
    /// it never equals a local model's identity.
    public static func remote(_ client: OpenAICompatibleClient, batchSize: Int = 32) throws -> EmbeddingModel {
        let probe = try ServerEmbedder.wait { try await client.embedNamingModel(["dimension probe"]) }
        guard let first = probe.vectors.first, !first.isEmpty else {
            throw ReasonIRError.invalidOption("\(client.configuration.baseURL.absoluteString) answered the dimension probe with an empty vector")
        }
        // The model asked for, else the one the answer names, else the server's first listed.
        let named = client.configuration.model ?? probe.model
        let name = try named ?? ServerEmbedder.wait { await client.modelIdentity() }
        let embedder = ServerEmbedder(client: client, dimension: first.count, batchSize: batchSize)
        var hash = FNV1a64()
        hash.update(Data("remote:\(name):\(first.count)".utf8))
        let identity = EmbeddingModelIdentity(name: name, fingerprint: hash.hex, dimension: first.count,
                                              settings: ["source": "openai-embeddings", "prompt": "instruction-prefix"])
        return EmbeddingModel(embedder: embedder, identity: identity)
    }

    /// True when `location` names an embeddings server (`http://` or `https://`) rather than files.
    public static func isServerAddress(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }
}
