import Foundation

/// Opens a corpus given as a file or a directory, whatever its JSONL flavour.
public enum CorpusFile {
    /// A BEIR dataset directory (its `corpus.jsonl`), or a JSONL file whose first record decides
    /// the flavour: `_id` means BEIR (`_id`, `title`, `text`), otherwise BRIGHT (`id`, `content`).
    public static func open(_ url: URL) throws -> RecordStream<Document> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw EvaluationError.cannotOpen(path: url.path)
        }
        if isDirectory.boolValue {
            let beir = BEIRDataset(directory: url)
            if FileManager.default.fileExists(atPath: beir.corpusURL.path) { return try beir.corpus() }
            throw ReasonIRError.unknownDatasetLayout(path: url.path)
        }
        let firstLine = try LineReader(url: url).first { !$0.bytes.allSatisfy { $0 == 32 || $0 == 9 } }
        let object = firstLine.flatMap { try? JSONSerialization.jsonObject(with: Data($0.bytes)) as? [String: Any] }
        if object?["_id"] != nil {
            return try BEIRDataset.corpus(at: url)
        }
        return try BRIGHTDataset.documents(at: url)
    }
}
