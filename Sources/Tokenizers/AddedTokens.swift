/// A token from `tokenizer.json`'s `added_tokens` (special tokens such as `[CLS]` among them).
/// Such tokens are found in the text before the model sees it, so a literal `[CLS]` in the input
/// becomes the `[CLS]` id.
public struct AddedToken: Sendable, Hashable {
    public var content: String
    /// Only match when not inside a word (`\w` on neither side).
    public var singleWord: Bool
    /// Also take the whitespace on the token's left.
    public var leftStrip: Bool
    /// Also take the whitespace on the token's right.
    public var rightStrip: Bool
    /// Match against the normalized text (with the content normalized too) rather than the raw text.
    public var normalized: Bool
    public var special: Bool

    public init(content: String, singleWord: Bool = false, leftStrip: Bool = false, rightStrip: Bool = false,
                normalized: Bool? = nil, special: Bool = false) {
        self.content = content
        self.singleWord = singleWord
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
        self.normalized = normalized ?? !special
        self.special = special
    }

    public static func == (a: AddedToken, b: AddedToken) -> Bool {
        Array(a.content.utf8) == Array(b.content.utf8) && a.singleWord == b.singleWord && a.leftStrip == b.leftStrip
            && a.rightStrip == b.rightStrip && a.normalized == b.normalized && a.special == b.special
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Array(content.utf8))
        hasher.combine(special)
    }
}

/// The added tokens with their ids and the matchers that find them, as `tokenizers`'
/// `AddedVocabulary` does: ids come from the model's vocabulary when the token is in it,
/// otherwise they follow the vocabulary; non-normalized tokens are found in the raw text,
/// normalized ones in each normalized piece; matching is leftmost-longest.
struct AddedVocabulary: Sendable {
    /// Each token by id.
    private(set) var tokensByID: [Int32: AddedToken] = [:]
    /// Content → id, byte-exact.
    private(set) var contentIDs = TokenTable()
    private(set) var rawMatcher: TokenMatcher?
    private(set) var normalizedMatcher: TokenMatcher?

    init() {}

    init(_ tokens: [AddedToken], modelID: (String) -> Int32?, modelCount: Int, normalizer: BertNormalizer?) {
        var nextID = Int32(clamping: modelCount)
        for token in tokens where !token.content.isEmpty {
            if let id = contentIDs.id(of: token.content), tokensByID[id] == token { continue }
            let id: Int32
            if let known = contentIDs.id(of: token.content) ?? modelID(token.content) {
                id = known
            } else {
                id = nextID
                nextID += 1
            }
            contentIDs.insert(token.content, id: id)
            tokensByID[id] = token
        }
        var raw: [(pattern: [UInt32], id: Int32, token: AddedToken)] = []
        var normalized: [(pattern: [UInt32], id: Int32, token: AddedToken)] = []
        for (id, token) in tokensByID.sorted(by: { $0.key < $1.key }) {
            if token.normalized {
                let text = normalizer.map { $0.normalize(token.content) } ?? token.content
                normalized.append((text.unicodeScalars.map(\.value), id, token))
            } else {
                raw.append((token.content.unicodeScalars.map(\.value), id, token))
            }
        }
        rawMatcher = raw.isEmpty ? nil : TokenMatcher(raw)
        normalizedMatcher = normalized.isEmpty ? nil : TokenMatcher(normalized)
    }

    /// The id of an added token's content, if it is one.
    func id(of content: String) -> Int32? { contentIDs.id(of: content) }

    /// The number of added contents that the model's vocabulary does not already hold.
    func countNotIn(model modelID: (String) -> Int32?) -> Int {
        contentIDs.strings.filter { modelID($0) == nil }.count
    }
}

/// One piece of text after looking for added tokens: either plain text or an added token.
struct TextSegment {
    var range: Range<Int>
    /// The added token's id, or nil for plain text.
    var tokenID: Int32?
}

/// Finds added tokens in a buffer of Unicode scalars: a trie matched leftmost-longest, then the
/// `single_word`, `lstrip` and `rstrip` rules of `tokenizers`' `AddedVocabulary::find_matches`.
struct TokenMatcher: Sendable {
    private struct Node: Sendable {
        var children: [UInt32: Int32] = [:]
        /// Index into `entries`, or -1.
        var terminal: Int32 = -1
    }

    private var nodes: [Node] = [Node()]
    private var entries: [(id: Int32, token: AddedToken)] = []
    /// Which ASCII scalars can start a match (a quick reject for most positions).
    private var asciiStarts: (UInt64, UInt64) = (0, 0)

    init(_ patterns: [(pattern: [UInt32], id: Int32, token: AddedToken)]) {
        for (pattern, id, token) in patterns where !pattern.isEmpty {
            var node = 0
            for c in pattern {
                if let next = nodes[node].children[c] {
                    node = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[node].children[c] = Int32(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            if nodes[node].terminal < 0 {
                nodes[node].terminal = Int32(entries.count)
                entries.append((id, token))
            }
            if let first = pattern.first, first < 128 {
                if first < 64 { asciiStarts.0 |= 1 << first } else { asciiStarts.1 |= 1 << (first - 64) }
            }
        }
    }

    @inline(__always)
    private func canStart(_ c: UInt32) -> Bool {
        if c < 64 { return asciiStarts.0 & (1 << c) != 0 }
        if c < 128 { return asciiStarts.1 & (1 << (c - 64)) != 0 }
        return nodes[0].children[c] != nil
    }

    /// Splits `text` into plain-text segments and added tokens.
    func split(_ text: UnsafeBufferPointer<UInt32>, into segments: inout [TextSegment]) {
        let n = text.count
        var startOffset = 0
        var i = 0
        while i < n {
            guard canStart(text[i]) else { i += 1; continue }
            // Longest pattern starting at i.
            var node = 0
            var matchEnd = -1
            var matchEntry = -1
            var j = i
            while j < n, let next = nodes[node].children[text[j]] {
                node = Int(next)
                j += 1
                if nodes[node].terminal >= 0 {
                    matchEnd = j
                    matchEntry = Int(nodes[node].terminal)
                }
            }
            guard matchEntry >= 0 else { i += 1; continue }
            var start = i
            var stop = matchEnd
            i = matchEnd
            let (id, token) = entries[matchEntry]
            if token.singleWord {
                let startSpace = start == 0 || !CharacterClasses.isWordCharacter(text[start - 1])
                let stopSpace = stop == n || !CharacterClasses.isWordCharacter(text[stop])
                if !startSpace || !stopSpace { continue }
            }
            if token.leftStrip {
                var s = start
                while s > 0, CharacterClasses.isWhitespace(text[s - 1]) { s -= 1 }
                start = max(s, startOffset)
            }
            if token.rightStrip {
                // The search goes on from the match's end, not past the stripped spaces (as the reference).
                while stop < n, CharacterClasses.isWhitespace(text[stop]) { stop += 1 }
            }
            if startOffset < start { segments.append(TextSegment(range: startOffset..<start, tokenID: nil)) }
            segments.append(TextSegment(range: start..<stop, tokenID: id))
            startOffset = stop
        }
        if startOffset < n { segments.append(TextSegment(range: startOffset..<n, tokenID: nil)) }
    }
}
