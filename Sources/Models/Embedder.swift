/// What a text is, for models that embed queries and documents differently.
public enum EmbeddingKind: Sendable, Hashable {
    /// A search query; `instruction` is put before the text (e.g. e5's "query: "), as
    /// sentence-transformers' `prompt` does.
    case query(instruction: String?)
    /// A document of the collection.
    case document

    public static var query: EmbeddingKind { .query(instruction: nil) }
}

/// Embeddings of `count` texts, `dimension` values each, row-major in one array.
public struct EmbeddingMatrix: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    public var values: [Float]

    public init(count: Int, dimension: Int, values: [Float]) {
        precondition(values.count == count * dimension, "expected \(count * dimension) values, got \(values.count)")
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// The vector of text `i`.
    public subscript(i: Int) -> ArraySlice<Float> { values[(i * dimension)..<((i + 1) * dimension)] }

    /// One array per text.
    public var rows: [[Float]] { (0..<count).map { Array(self[$0]) } }
}

/// Turns texts into L2-normalised Float32 vectors, returned in input order.
public protocol Embedder: Sendable {
    /// The length of every vector.
    var dimension: Int { get }
    func embed(_ texts: [String], kind: EmbeddingKind) throws -> EmbeddingMatrix
}

extension Embedder {
    /// The vector of one text.
    public func embed(_ text: String, kind: EmbeddingKind) throws -> [Float] {
        Array(try embed([text], kind: kind)[0])
    }

    /// One array per text.
    public func embedRows(_ texts: [String], kind: EmbeddingKind) throws -> [[Float]] {
        try embed(texts, kind: kind).rows
    }
}
