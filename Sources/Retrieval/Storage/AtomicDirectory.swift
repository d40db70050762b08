#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a directory under a temporary name and moves it into place only when complete,
/// so a reader never sees a half-written index, and a crash leaves the old one intact.
public enum AtomicDirectory {
    /// Calls `fill` with a fresh temporary directory beside `destination`, then replaces
    /// `destination` with it. On error the temporary directory is removed and `destination`
    /// is untouched.
    public static func write(to destination: URL, _ fill: (URL) throws -> Void) throws {
        let fileManager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(token)")
        try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        do {
            try fill(temporary)
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw error
        }
        try replace(destination, with: temporary)
    }

    /// Moves the complete directory `finished` to `destination`, replacing what is there.
    public static func replace(_ destination: URL, with finished: URL) throws {
        let fileManager = FileManager.default
        // rename(2) cannot replace a non-empty directory: move the old one aside first.
        var old: URL?
        if fileManager.fileExists(atPath: destination.path) {
            let aside = destination.deletingLastPathComponent()
                .appendingPathComponent(".\(destination.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
            try? fileManager.removeItem(at: aside)
            try fileManager.moveItem(at: destination, to: aside)
            old = aside
        }
        try fileManager.moveItem(at: finished, to: destination)
        if let old { try? fileManager.removeItem(at: old) }
    }

    /// Repairs what a process killed inside ``replace(_:with:)`` or ``write(to:_:)`` left: when
    /// `destination` is missing but the old directory moved aside is there, it is the last
    /// committed state and goes back; temporary and aside directories of dead processes are removed.
    public static func recover(_ destination: URL) {
        let fileManager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let name = destination.lastPathComponent
        guard let siblings = try? fileManager.contentsOfDirectory(atPath: parent.path) else { return }
        let me = ProcessInfo.processInfo.processIdentifier
        // The leftovers of processes that are gone: a live one may still be writing its own.
        func abandoned(_ prefix: String) -> [URL] {
            siblings.filter { $0.hasPrefix(prefix) }.sorted().compactMap { sibling in
                let pid = sibling.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) }
                if let pid, pid == me || kill(pid, 0) == 0 { return nil }
                return parent.appendingPathComponent(sibling)
            }
        }
        let aside = abandoned(".\(name).old-")
        if !fileManager.fileExists(atPath: destination.path), let previous = aside.first {
            try? fileManager.moveItem(at: previous, to: destination)
        }
        for leftover in aside + abandoned(".\(name).partial-") { try? fileManager.removeItem(at: leftover) }
    }
}
