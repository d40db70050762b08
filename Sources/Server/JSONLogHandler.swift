import Foundation
import Logging

/// Log lines as JSON objects on standard error (`--log-format json`): time, level, message,
/// label and the metadata (request id, route, status, milliseconds).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    private static let lock = NSLock()

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [(String, JSONOut)] = [
            ("time", .string(ISO8601DateFormatter().string(from: Date()))), ("level", .string(event.level.rawValue)),
            ("message", .string(event.message.description)), ("label", .string(label)),
        ]
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in all.keys.sorted() {
            members.append((key == "hb.request.id" ? "request_id" : key, .string(all[key]!.description)))
        }
        let line = JSONOut.object(members).text + "\n"
        Self.lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
