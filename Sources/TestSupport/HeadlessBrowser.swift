import Foundation

/// Debian's `chromium`, headless, for tests that look at a page as a browser renders it.
public struct HeadlessBrowser: Sendable {
    public let executable: URL

    /// `$REASONIR_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on PATH;
    /// nil when there is none (scripts/install-deps.sh --test installs Debian's).
    public static func find() -> HeadlessBrowser? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["REASONIR_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) {
            return HeadlessBrowser(executable: URL(fileURLWithPath: path))
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in directories {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessBrowser(executable: URL(fileURLWithPath: candidate)) }
            }
        }
        return nil
    }

    /// The DOM after the page at `url` loaded, as the browser serialises it.
    public func dumpDOM(_ url: URL, timeout: TimeInterval = 90) throws -> (dom: String, log: String) {
        try run(["--dump-dom", url.absoluteString], timeout: timeout)
    }

    /// Renders `url` into a PNG of `width` × `height` pixels at `output`; returns the browser's log.
    @discardableResult
    public func screenshot(_ url: URL, to output: URL, width: Int, height: Int, timeout: TimeInterval = 90) throws -> String {
        try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(output.path)", url.absoluteString],
                timeout: timeout).log
    }

    private func run(_ arguments: [String], timeout: TimeInterval) throws -> (dom: String, log: String) {
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        // A fresh profile each run, no sandbox (tests may run as root), no GPU, nothing fetched.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(scratch.appendingPathComponent("profile").path)"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw BrowserError.timedOut(seconds: timeout)
        }
        let dom = try String(contentsOf: out, encoding: .utf8), log = try String(contentsOf: err, encoding: .utf8)
        guard process.terminationStatus == 0 else { throw BrowserError.failed(status: process.terminationStatus, log: log) }
        return (dom, log)
    }

    public enum BrowserError: Error, CustomStringConvertible {
        case timedOut(seconds: TimeInterval)
        case failed(status: Int32, log: String)

        public var description: String {
            switch self {
            case .timedOut(let seconds): return "chromium did not finish within \(Int(seconds)) s"
            case .failed(let status, let log): return "chromium exited with status \(status): \(log.suffix(2000))"
            }
        }
    }
}
