import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a directory beside its destination and renames it into place once every file is written
/// and synced, so a reader (or a run killed halfway) sees the old directory or the new one.
enum DirectoryWriting {
    /// Runs `fill` on an empty temporary directory next to `destination`, then moves it there
    /// (replacing an existing `destination` only when `replace`).
    static func write(to destination: URL, replace: Bool, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = parent.appendingPathComponent(".\(destination.lastPathComponent).\(pid).tmp")
        if fm.fileExists(atPath: destination.path) && !replace { throw TrainingError.outputExists(path: destination.path) }
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw TrainingError.write(path: temporary.path, reason: error.localizedDescription)
        }
        do {
            try fill(temporary)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
        var old: URL?
        if fm.fileExists(atPath: destination.path) {
            let aside = parent.appendingPathComponent(".\(destination.lastPathComponent).\(pid).old")
            try? fm.removeItem(at: aside)
            guard rename(destination.path, aside.path) == 0 else {
                throw TrainingError.write(path: destination.path, reason: String(cString: strerror(errno)))
            }
            old = aside
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if let old { _ = rename(old.path, destination.path) }
            throw TrainingError.write(path: destination.path, reason: reason)
        }
        syncDirectory(parent)
        if let old { try? fm.removeItem(at: old) }
    }

    /// Writes `data` to `url` and syncs it.
    static func writeFile(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TrainingError.write(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TrainingError.write(path: url.path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        guard fsync(descriptor) == 0 else { throw TrainingError.write(path: url.path, reason: "fsync: " + String(cString: strerror(errno))) }
    }

    /// Copies a file and syncs the copy.
    static func copyFile(_ source: URL, to url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: source) } catch {
            throw TrainingError.write(path: url.path, reason: "cannot read \(source.path): \(error.localizedDescription)")
        }
        try writeFile(data, to: url)
    }

    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
