#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A writer's exclusive hold on an index directory, so that two writers (builds, adds, deletes,
/// compactions) never interleave: flock(2) on `.NAME.lock` beside the directory. Not inside it:
/// every update replaces the directory by rename, and a lock on a file inside would go with the
/// old one. Readers never take it: they see the old directory or the new one.
///
/// The file holds the holder's process id, for the error a second writer gets. It is removed on
/// release; a process killed while holding it leaves the file, but not the lock (the kernel drops
/// flock locks with the process), and the next writer takes it over.
public final class DirectoryWriterLock: @unchecked Sendable {
    // @unchecked: `descriptor` changes only under `guard`.
    public let directory: URL
    public let lockFile: URL
    private var descriptor: Int32
    private let releasing = NSLock()

    /// The lock file of `directory`: `.NAME.lock` in its parent.
    public static func lockFile(for directory: URL) -> URL {
        directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).lock")
    }

    /// Takes the lock, waiting up to `wait` seconds for another writer to finish; then throws
    /// ``DirectoryLockError/busy(directory:pid:)``. The parent directory must exist.
    public init(directory: URL, wait: TimeInterval = 0) throws {
        self.directory = directory
        lockFile = Self.lockFile(for: directory)
        let path = lockFile.path
        let deadline = Date().addingTimeInterval(max(0, wait))
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DirectoryLockError.cannotLock(path: path, reason: String(cString: strerror(errno))) }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                // The holder we waited for removes the file before it unlocks: a lock on a file
                // no longer at the path guards nothing, so start again with the file that is.
                if Self.isAtPath(fd, path) {
                    descriptor = fd
                    let pid = "\(getpid())\n"
                    _ = ftruncate(fd, 0)
                    _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
                    return
                }
                close(fd)
                continue
            }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EAGAIN || failure == EINTR else {
                close(fd)
                throw DirectoryLockError.cannotLock(path: path, reason: String(cString: strerror(failure)))
            }
            let holder = Self.holder(fd)
            close(fd)
            if Date() >= deadline { throw DirectoryLockError.busy(directory: directory.path, pid: holder) }
            usleep(20_000)
        }
    }

    deinit { release() }

    /// Removes the lock file and releases the lock (idempotent, from any thread).
    public func release() {
        releasing.lock()
        defer { releasing.unlock() }
        guard descriptor >= 0 else { return }
        unlink(lockFile.path)
        close(descriptor)
        descriptor = -1
    }

    private static func isAtPath(_ fd: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// The process id written by the holder, if it has written one yet.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

public enum DirectoryLockError: Error, CustomStringConvertible, Equatable {
    /// Another writer holds the directory (its process id when known).
    case busy(directory: String, pid: Int32?)
    case cannotLock(path: String, reason: String)

    public var description: String {
        switch self {
        case .busy(let directory, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "index directory \(directory) is being written by \(who); wait for it to finish (or give --wait SECONDS)"
        case .cannotLock(let path, let reason):
            return "cannot lock \(path): \(reason)"
        }
    }
}
