import Retrieval

/// How the LLM is asked and what its answers must satisfy.
public struct SynthesisOptions: Sendable {
    public var tasks: [SynthesisTask]
    /// Answers asked for per step before the step is rejected (each retry samples with another seed,
    /// so it is a new request, not the cached bad answer).
    public var attempts: Int
    public var temperature: Double?
    public var topP: Double?
    /// The sampling seed of the first attempt; attempt i uses `seed + i`.
    public var seed: Int
    public var hardQueryMaxTokens: Int
    public var variedLengthMaxTokens: Int
    public var negativeMaxTokens: Int
    /// Query lengths of varied-length data, in words; each seed gets one, fixed by its id.
    public var variedLengthQueryWords: [Int]
    /// The length asked for the written positive of varied-length data.
    public var variedLengthDocumentWords: Int
    /// Hard queries shorter or longer than this are rejected.
    public var hardQueryWords: ClosedRange<Int>
    /// Whether the LLM writes a hard negative for each accepted query.
    public var llmNegatives: Bool
    /// LLM negatives shorter than this are rejected (ReasonIR: at least 300).
    public var minNegativeWords: Int
    /// An answer that repeats this many consecutive words of the text it must not quote is rejected.
    public var quoteWords: Int
    /// Seeds are cut to this many words inside prompts.
    public var maxPromptDocumentWords: Int
    /// Sends each step's JSON schema as `response_format`, so servers that support it
    /// (llama.cpp, vLLM) constrain the answer to the shape.
    public var jsonSchema: Bool
    /// The instructions of the training files (GritLM/ReasonIR: `[instruction, text]`).
    public var queryInstruction: String
    public var documentInstruction: String

    public init(tasks: [SynthesisTask] = SynthesisTask.allCases, attempts: Int = 3, temperature: Double? = 0.7,
                topP: Double? = 0.9, seed: Int = 0, hardQueryMaxTokens: Int = 384, variedLengthMaxTokens: Int = 2048,
                negativeMaxTokens: Int = 768, variedLengthQueryWords: [Int] = [10, 50, 200, 500, 1000, 2000],
                variedLengthDocumentWords: Int = 200, hardQueryWords: ClosedRange<Int> = 8...1000,
                llmNegatives: Bool = true, minNegativeWords: Int = 300, quoteWords: Int = 12,
                maxPromptDocumentWords: Int = 1000, jsonSchema: Bool = true,
                queryInstruction: String = "Given a question, retrieve passages that help answer the question",
                documentInstruction: String = "") {
        self.tasks = tasks
        self.attempts = attempts
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.hardQueryMaxTokens = hardQueryMaxTokens
        self.variedLengthMaxTokens = variedLengthMaxTokens
        self.negativeMaxTokens = negativeMaxTokens
        self.variedLengthQueryWords = variedLengthQueryWords
        self.variedLengthDocumentWords = variedLengthDocumentWords
        self.hardQueryWords = hardQueryWords
        self.llmNegatives = llmNegatives
        self.minNegativeWords = minNegativeWords
        self.quoteWords = quoteWords
        self.maxPromptDocumentWords = maxPromptDocumentWords
        self.jsonSchema = jsonSchema
        self.queryInstruction = queryInstruction
        self.documentInstruction = documentInstruction
    }

    public func validate() throws {
        if tasks.isEmpty { throw SynthesisError.invalidSetting(name: "tasks", reason: "none given") }
        if attempts < 1 { throw SynthesisError.invalidSetting(name: "attempts", reason: "must be at least 1") }
        if variedLengthQueryWords.isEmpty || variedLengthQueryWords.contains(where: { $0 < 1 }) {
            throw SynthesisError.invalidSetting(name: "varied-length query words", reason: "need positive lengths")
        }
        for (name, value) in [("hard-query max tokens", hardQueryMaxTokens), ("varied-length max tokens", variedLengthMaxTokens),
                              ("negative max tokens", negativeMaxTokens), ("quote words", quoteWords)] where value < 1 {
            throw SynthesisError.invalidSetting(name: name, reason: "must be at least 1")
        }
    }

    /// The query length asked of `seed`'s varied-length record: fixed by its id, spread evenly.
    public func targetWords(for seedID: String) -> Int {
        var hasher = FNV1a64()
        hasher.update(seedID.utf8)
        return variedLengthQueryWords[Int(hasher.value % UInt64(variedLengthQueryWords.count))]
    }

    /// The words accepted for a varied-length query asked to be `target` words long: half to double.
    public static func acceptedQueryWords(target: Int) -> ClosedRange<Int> {
        max(1, target / 2)...max(2, target * 2)
    }
}
