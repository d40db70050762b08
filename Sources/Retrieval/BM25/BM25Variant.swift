/// The two BM25 scorings we offer over the same inverted index.
public enum BM25Variant: String, Sendable, CaseIterable, Codable {
    /// BRIGHT's `retrieval_bm25`: gensim `LuceneBM25Model` applied to documents *and* the query,
    /// scored as a float32 sparse dot product. idf = ln(N+1) − ln(df+0.5), no (k1+1) factor,
    /// so idf counts twice.
    case bright
    /// Lucene/Anserini `BM25Similarity`: idf = ln(1 + (N−df+0.5)/(df+0.5)), document lengths
    /// through Lucene's lossy one-byte norm, the query term's count as its boost.
    case lucene
}

/// BM25's free parameters; both variants default to Anserini's k1 0.9, b 0.4.
public struct BM25Parameters: Sendable, Hashable, Codable {
    public var k1: Double
    public var b: Double

    public init(k1: Double = 0.9, b: Double = 0.4) {
        self.k1 = k1
        self.b = b
    }
}
