import Foundation
import JSON

/// One optimizer step, as the terminal and the JSONL log report it.
public struct StepReport: Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var loss: Double
    public var learningRate: Double
    /// The total gradient norm before clipping.
    public var gradientNorm: Double
    /// The rows of the batch (indices into the data file's rows), in batch order.
    public var rows: [Int]
    /// Texts cut at the maximum length in this step.
    public var truncated: Int

    /// The log line: `{"step", "epoch", "loss", "lr", "grad_norm", "truncated", "rows"}`.
    public var jsonLine: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        return "{\"step\":\(step),\"epoch\":\(epoch),\"loss\":\(number(loss)),\"lr\":\(number(learningRate)),"
            + "\"grad_norm\":\(number(gradientNorm)),\"truncated\":\(truncated),\"rows\":[\(rows.map(String.init).joined(separator: ","))]}"
    }
}

/// The JSONL training log: one ``StepReport`` a line, appended and flushed as steps finish. On resume,
/// lines after the checkpoint's step are dropped, so the log reads as one uninterrupted run.
public final class TrainingLog {
    public let url: URL
    private let handle: FileHandle

    /// Opens (or creates) the log, keeping only the lines of steps up to `keepingThrough`.
    public init(url: URL, keepingThrough step: Int) throws {
        self.url = url
        var kept = ""
        if step > 0, let data = FileManager.default.contents(atPath: url.path) {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let value = try? JSONParser.parse(Array(line)), case .number(let n)? = value["step"],
                      let s = Int(n.text), s <= step else { continue }
                kept += String(decoding: line, as: UTF8.self) + "\n"
            }
        }
        do {
            try DirectoryWriting.writeFile(Data(kept.utf8), to: url)
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.write(path: url.path, reason: error.localizedDescription)
        }
    }

    public func append(_ report: StepReport) throws {
        do { try handle.write(contentsOf: Data((report.jsonLine + "\n").utf8)) } catch {
            throw TrainingError.write(path: url.path, reason: error.localizedDescription)
        }
    }

    deinit { try? handle.close() }
}
