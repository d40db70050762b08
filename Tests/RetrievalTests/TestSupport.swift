import Foundation

/// The project's shared folder: `$REASONIR_SHARED`, else `../shared` next to the package root.
func sharedDirectory() -> URL {
    if let path = ProcessInfo.processInfo.environment["REASONIR_SHARED"], !path.isEmpty {
        return URL(fileURLWithPath: path, isDirectory: true)
    }
    let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // RetrievalTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
}
