import Foundation

/// Finds a model by path or by name. A name is looked up, in order, in `$REASONIR_MODELS`,
/// `./models` and `~/.cache/reasonir/models` (where `scripts/fetch-models.sh` puts them).
public enum ModelLocator {
    public static var searchDirectories: [URL] {
        var directories: [URL] = []
        if let path = ProcessInfo.processInfo.environment["REASONIR_MODELS"], !path.isEmpty {
            directories.append(URL(fileURLWithPath: path))
        }
        directories.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models"))
        directories.append(FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/reasonir/models"))
        return directories
    }

    public static func locate(_ nameOrPath: String) throws -> URL {
        let fileManager = FileManager.default
        if nameOrPath.contains("/") || fileManager.fileExists(atPath: nameOrPath) {
            let url = URL(fileURLWithPath: nameOrPath)
            guard fileManager.fileExists(atPath: url.path) else { throw ReasonIRError.modelNotFound(name: nameOrPath, searched: []) }
            return url
        }
        for directory in searchDirectories {
            let candidate = directory.appendingPathComponent(nameOrPath)
            if fileManager.fileExists(atPath: candidate.path) { return candidate }
        }
        throw ReasonIRError.modelNotFound(name: nameOrPath, searched: searchDirectories.map(\.path))
    }
}
