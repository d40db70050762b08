import JSON
import Testing
@testable import Synthesis

@Suite struct ResponseValidationTests {
    @Test func readsTheObjectOutOfProseAndCodeFences() throws {
        let answer = "Sure! Here it is:\n```json\n{\"hard_query\": \"Why does ice float?\"}\n```\nHope it helps."
        let object = try ResponseValidation.object(in: answer).get()
        #expect(try ResponseValidation.string(object, "hard_query").get() == "Why does ice float?")
    }

    @Test func namesEachReason() {
        #expect(ResponseValidation.object(in: "no json here") == .failure(.unparseableJSON))
        #expect(ResponseValidation.object(in: "{\"hard_query\": \"unterminated}") == .failure(.unparseableJSON))
        #expect(ResponseValidation.object(in: "[1, 2]") == .failure(.unparseableJSON))
        let object = try! ResponseValidation.object(in: #"{"a": 3, "b": "  ", "c": ["first", "second"], "d": [], "e": [1]}"#).get()
        #expect(ResponseValidation.string(object, "missing") == .failure(.missingField))
        #expect(ResponseValidation.string(object, "a") == .failure(.wrongType))
        #expect(ResponseValidation.string(object, "b") == .failure(.empty))
        #expect(ResponseValidation.string(object, "c") == .success("first"))
        #expect(ResponseValidation.string(object, "d") == .failure(.empty))
        #expect(ResponseValidation.string(object, "e") == .failure(.wrongType))
    }

    @Test func aQuestionThatMentionsItsSourceIsNotStandalone() {
        #expect(ResponseValidation.namesDocument("According to the passage, why does the bridge sway?"))
        #expect(ResponseValidation.namesDocument("What does THE DOCUMENT say about tides?"))
        #expect(!ResponseValidation.namesDocument("A documentary crew films a bridge that sways; why?"))
    }

    @Test func quotingIsARunOfNormalisedWords() {
        let source = "The quick brown fox jumps over the lazy dog near the quiet river bank today."
        #expect(TextMeasures.quotes("Well: THE QUICK brown fox, jumps over the lazy dog!", from: source, length: 8))
        #expect(!TextMeasures.quotes("The quick brown fox sleeps over the lazy dog.", from: source, length: 8))
        #expect(!TextMeasures.quotes("too short", from: source, length: 8))
    }

    @Test func wordsAreCountedByWhitespace() {
        #expect(TextMeasures.wordCount("  one two\tthree\nfour  ") == 4)
        #expect(TextMeasures.wordCount("") == 0)
        #expect(TextMeasures.normalizedWords("Ünïcode, CASE; and-dashes 42") == ["ünïcode", "case", "and", "dashes", "42"])
    }
}
