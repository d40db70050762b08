import Foundation

/// Where `reasonir eval` keeps the indexes it builds, so a second evaluation of the same corpus
/// reuses them: `$REASONIR_CACHE/indexes`, else `~/.cache/reasonir/indexes`.
public struct IndexCache: Sendable {
    public var root: URL

    public init(root: URL? = nil) {
        if let root {
            self.root = root
        } else if let path = ProcessInfo.processInfo.environment["REASONIR_CACHE"], !path.isEmpty {
            self.root = URL(fileURLWithPath: path).appendingPathComponent("indexes")
        } else {
            self.root = FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".cache/reasonir/indexes")
        }
    }

    /// The index directory of one kind (`bm25`, …) for a corpus file: named after the corpus's
    /// folder and file, plus a hash of its absolute path so that two corpora never share one.
    public func directory(for corpus: URL, kind: String) -> URL {
        let path = corpus.standardizedFileURL.path
        var hash = FNV1a64()
        hash.update(path.utf8)
        let readable = corpus.deletingLastPathComponent().lastPathComponent + "-" + corpus.deletingPathExtension().lastPathComponent
        let safe = String(readable.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return root.appendingPathComponent("\(safe)-\(hash.hex)").appendingPathComponent(kind)
    }
}
