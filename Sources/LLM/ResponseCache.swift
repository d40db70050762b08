import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers kept on disk, keyed by a SHA-256 of the request (the model that answers, the URL path
/// and the JSON body), so that a run that stopped halfway asks the server only for what it has not
/// answered yet, and a server with another model never gets this one's answers.
///
/// One file per answer, `<directory>/<2 hex digits>/<64 hex digits>.json`: a header line
/// (`{"format":1,"path":…,"bytes":N}`) and the response body exactly as the server sent it.
/// Each file is written to a temporary name in the same folder and renamed into place, so a
/// reader sees a whole entry or none; an entry that does not read back whole (a disk error, a
/// hand edit) is removed and counts as a miss. Only answers that decoded are stored.
public struct ResponseCache: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$REASONIR_CACHE/llm`, else `~/.cache/reasonir/llm`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["REASONIR_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent("llm")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/reasonir/llm")
    }

    /// The key of a request: SHA-256 of the model's identity, a newline, the URL path, a newline,
    /// and the body's bytes.
    public static func key(model: String, path: String, body: Data) -> String {
        var bytes = Data(model.utf8)
        bytes.append(0x0a)
        bytes.append(contentsOf: Array(path.utf8))
        bytes.append(0x0a)
        bytes.append(body)
        return bytes.withUnsafeBytes { SHA256.hex($0) }
    }

    public func url(forKey key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".json")
    }

    /// The stored response body, or nil. A broken entry is deleted.
    public func read(key: String) -> Data? {
        let url = url(forKey: key)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let newline = data.firstIndex(of: 0x0a),
              let header = try? JSONSerialization.jsonObject(with: data[data.startIndex..<newline]) as? [String: Any],
              header["format"] as? Int == 1, let count = header["bytes"] as? Int,
              data.distance(from: newline, to: data.endIndex) - 1 == count
        else {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
        return Data(data[data.index(after: newline)...])
    }

    /// Stores `response` under `key`, atomically.
    public func write(key: String, path: String, response: Data) throws {
        let url = url(forKey: key)
        let folder = url.deletingLastPathComponent()
        var data = Data("{\"bytes\":\(response.count),\"format\":1,\"path\":\(Self.jsonString(path))}\n".utf8)
        data.append(response)
        let temporary = folder.appendingPathComponent(".\(key).\(UUID().uuidString).tmp")
        do {
            if !FileManager.default.fileExists(atPath: folder.path) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
            try Self.writeNew(temporary.path, data)
            guard rename(temporary.path, url.path) == 0 else {
                throw LLMError.cache(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as LLMError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LLMError.cache(path: url.path, reason: "\(error)")
        }
    }

    /// Writes `data` to a new file at `path` with plain POSIX calls (Foundation's `Data.write`
    /// costs some 30 times more here, which showed up as client overhead).
    private static func writeNew(_ path: String, _ data: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LLMError.cache(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw LLMError.cache(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The number of entries (for tests and reports).
    public func entryCount() -> Int {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return 0 }
        var count = 0
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json"), !(path as NSString).lastPathComponent.hasPrefix(".") { count += 1 }
        }
        return count
    }
}
