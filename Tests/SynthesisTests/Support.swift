import Foundation
import LLM
import Retrieval
import TestSupport
@testable import Synthesis

/// A chat model that answers as a test scripts it, and records what it was asked.
/// `@unchecked Sendable`: `asked` is only touched under `lock`.
final class ScriptedChatModel: ChatModel, @unchecked Sendable {
    private let lock = NSLock()
    private var asked: [(messages: [ChatMessage], options: ChatOptions)] = []
    private let answer: @Sendable ([ChatMessage], ChatOptions) -> String

    init(_ answer: @escaping @Sendable ([ChatMessage], ChatOptions) -> String) {
        self.answer = answer
    }

    func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
        lock.withLock { asked.append((messages, options)) }
        return ChatCompletion(content: answer(messages, options), finishReason: "stop")
    }

    var requests: [(messages: [ChatMessage], options: ChatOptions)] { lock.withLock { asked } }
}

/// Which step a request is for, from its system prompt.
enum Step {
    case hardQuery, variedLength, negative

    init(_ messages: [ChatMessage]) {
        let system = messages.first?.content ?? ""
        if system.contains("hard negative") { self = .negative }
        else if system.contains("a search query and a document") { self = .variedLength }
        else { self = .hardQuery }
    }
}

/// Words that never occur in the test corpora, so answers built from them never quote a seed.
func fillerWords(_ count: Int, offset: Int = 0) -> String {
    let vocabulary = ["quartz", "meadow", "lantern", "harbor", "velvet", "orbit", "cinder", "willow", "ember", "glacier",
                      "saddle", "thistle", "copper", "marble", "falcon", "juniper"]
    return (0..<count).map { vocabulary[($0 * 7 + offset) % vocabulary.count] + "\($0 % 5)" }.joined(separator: " ")
}

/// An answer of the right shape for each step (query of `queryWords` words for varied-length data).
func validAnswer(_ messages: [ChatMessage], queryWords: Int = 10) -> String {
    switch Step(messages) {
    case .hardQuery:
        return #"{"hard_query": "A farmer notices that \#(fillerWords(12)) keeps failing every spring; what explains it and what should change?"}"#
    case .variedLength:
        return #"{"query": "\#(fillerWords(queryWords, offset: 3))", "document": "\#(fillerWords(40, offset: 5))"}"#
    case .negative:
        return #"{"negative": "\#(fillerWords(320, offset: 1))"}"#
    }
}

/// Documents of a small corpus on one topic, each distinct (its own numbers), long enough to seed.
func topicDocuments(_ count: Int, prefix: String = "d") -> [Document] {
    (0..<count).map { i in
        let sentences = (0..<8).map { j in
            "Sample \(i) measurement \(j) shows that enzyme activity in cell line \(i * 31 + j) rises by \(i * 13 + j * 7) percent under heat stress."
        }
        return Document(id: "\(prefix)\(i)", text: sentences.joined(separator: " "))
    }
}

/// Writes documents as a BEIR corpus.jsonl in `directory`.
func writeBEIRCorpus(_ documents: [Document], to directory: URL) throws -> URL {
    let url = directory.appendingPathComponent("corpus.jsonl")
    var text = ""
    for document in documents {
        let object: [String: String] = ["_id": document.id, "title": "", "text": document.text]
        text += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
    }
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// Builds a BM25 index of `documents` in a temporary directory.
func bm25Index(_ documents: [Document]) throws -> BM25Index {
    let directory = try TestPaths.temporaryDirectory().appendingPathComponent("bm25")
    var builder = BM25IndexBuilder(threads: 1)
    try builder.add(documents)
    try builder.write(to: directory)
    return try BM25Index(directory: directory)
}
