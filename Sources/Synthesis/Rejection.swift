/// Why an LLM answer was not used.
public enum RejectionReason: String, Sendable, Codable, CaseIterable, Hashable {
    /// No JSON object could be read from the answer.
    case unparseableJSON = "unparseable_json"
    /// The JSON lacks a required field.
    case missingField = "missing_field"
    /// A field is not a string (or a list of strings).
    case wrongType = "wrong_type"
    /// A field is empty.
    case empty
    case tooShort = "too_short"
    case tooLong = "too_long"
    /// Repeats a run of words of the document it must not quote.
    case quotesDocument = "quotes_document"
    /// Refers to "the document", "the passage", …: not standalone.
    case namesDocument = "names_document"
    /// The answer was cut off by the token limit and is not whole.
    case truncated
}

/// One rejected answer: which step, why, and a short excerpt to see it.
public struct Rejection: Sendable, Codable, Hashable {
    public enum Step: String, Sendable, Codable, Hashable {
        case hardQuery = "hard_query"
        case variedLength = "varied_length"
        case negative = "llm_negative"
    }

    public var step: Step
    public var reason: RejectionReason
    public var detail: String

    public init(step: Step, reason: RejectionReason, detail: String) {
        self.step = step
        self.reason = reason
        self.detail = detail
    }
}
