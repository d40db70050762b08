import Foundation

/// Writes a file through a temporary sibling that is synced, then renamed over the destination.
public enum AtomicFileWriter {
    /// Writes `text` whole.
    public static func write(_ text: String, to url: URL) throws(EvaluationError) {
        try write(to: url) { (emit: (String) throws(EvaluationError) -> Void) throws(EvaluationError) in try emit(text) }
    }

    /// `body` emits the file's text in pieces; they are buffered and written in large chunks.
    public static func write(
        to url: URL,
        _ body: (_ emit: (String) throws(EvaluationError) -> Void) throws(EvaluationError) -> Void
    ) throws(EvaluationError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw .cannotWrite(path: path, reason: "cannot create a temporary file in \(directory)")
        }
        var succeeded = false
        defer {
            if !succeeded {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func drain() throws(EvaluationError) {
            do {
                try handle.write(contentsOf: buffer)
            } catch {
                throw .cannotWrite(path: path, reason: "\(error)")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        try body { (text: String) throws(EvaluationError) in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 20 { try drain() }
        }
        try drain()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        guard rename(temporary, path) == 0 else {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        succeeded = true
    }
}
