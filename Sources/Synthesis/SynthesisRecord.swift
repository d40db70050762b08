/// The outcome of one (seed document, task): the journal holds exactly one per pair.
public struct SynthesisRecord: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case accepted, rejected
    }

    public struct Negative: Sendable, Codable, Hashable {
        public enum Source: String, Sendable, Codable, Hashable {
            /// Mined with BRIGHT's BM25 from the corpus, below the top ranks.
            case bm25
            /// Written by the LLM.
            case llm
        }

        public var source: Source
        /// The corpus id of a mined negative.
        public var id: String?
        public var text: String

        public init(source: Source, id: String? = nil, text: String) {
            self.source = source
            self.id = id
            self.text = text
        }
    }

    public var seed: String
    public var task: SynthesisTask
    public var status: Status
    public var query: String?
    public var positive: String?
    /// The query length asked for (varied-length data).
    public var targetWords: Int?
    public var negatives: [Negative]
    /// Why the record was rejected, or why a step of an accepted record gave nothing (its LLM negative).
    public var rejections: [Rejection]
    /// Every invalid answer on the way, retried ones included.
    public var invalidAnswers: [Rejection]
    /// LLM calls made for this record (answers from the cache included).
    public var calls: Int

    public init(seed: String, task: SynthesisTask, status: Status, query: String? = nil, positive: String? = nil,
                targetWords: Int? = nil, negatives: [Negative] = [], rejections: [Rejection] = [],
                invalidAnswers: [Rejection] = [], calls: Int = 0) {
        self.seed = seed
        self.task = task
        self.status = status
        self.query = query
        self.positive = positive
        self.targetWords = targetWords
        self.negatives = negatives
        self.rejections = rejections
        self.invalidAnswers = invalidAnswers
        self.calls = calls
    }

    /// The (seed, task) pair the record is for.
    public var key: Key { Key(seed: seed, task: task) }

    public struct Key: Hashable, Sendable {
        public var seed: String
        public var task: SynthesisTask

        public init(seed: String, task: SynthesisTask) {
            self.seed = seed
            self.task = task
        }
    }
}
