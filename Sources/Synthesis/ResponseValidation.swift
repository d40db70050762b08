import Foundation
import JSON

/// Reads the JSON object out of a model's answer and checks its fields. Small models wrap JSON
/// in prose or code fences, so the outermost `{…}` is taken; the strict parser decides the rest.
public enum ResponseValidation {
    /// The answer's JSON object, or the reason there is none.
    public static func object(in answer: String) -> Result<JSONValue, RejectionReason> {
        let bytes = Array(answer.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")),
              let close = bytes.lastIndex(of: UInt8(ascii: "}")), open < close else { return .failure(.unparseableJSON) }
        guard let value = try? JSONParser.parse(bytes[open...close]), case .object = value else {
            return .failure(.unparseableJSON)
        }
        return .success(value)
    }

    /// A string field; a list of strings gives its first (ReasonIR's `hard_query` is a list).
    public static func string(_ object: JSONValue, _ field: String) -> Result<String, RejectionReason> {
        guard let value = object[field] else { return .failure(.missingField) }
        let text: String
        switch value {
        case .string(let string): text = string
        case .array(let items):
            guard let first = items.first else { return .failure(.empty) }
            guard case .string(let string) = first else { return .failure(.wrongType) }
            text = string
        default: return .failure(.wrongType)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? .failure(.empty) : .success(trimmed)
    }

    /// Phrases by which a question gives away that it was written from a document.
    static let documentReferences = [
        "the document", "this document", "the passage", "this passage", "the text above", "the given text",
        "the provided text", "the article", "this article", "the above", "according to the text", "the seed text",
    ]

    /// Whether `text` refers to its source instead of standing alone.
    public static func namesDocument(_ text: String) -> Bool {
        let lowered = " " + TextMeasures.normalized(text) + " "
        return documentReferences.contains { lowered.contains(" " + TextMeasures.normalized($0) + " ") }
    }
}
