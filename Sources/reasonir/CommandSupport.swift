import ArgumentParser
import Foundation
import ReasonIR

extension BM25Variant: ExpressibleByArgument {}
extension ComputePrecision: ExpressibleByArgument {}
extension EvaluationDataset.BRIGHTQueryField: ExpressibleByArgument {}
extension VectorType: ExpressibleByArgument {}

/// How a command that writes an index directory meets another writer of it.
struct WriterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Wait up to this many seconds for another writer of the directory to finish (default: fail at once).",
                               valueName: "seconds"))
    var wait: Double = 0

    func validate() throws {
        if wait < 0 { throw ValidationError("--wait must not be negative.") }
    }
}

/// The index directory an update (`index add`, `delete`, `compact`) changes, and how.
struct UpdateTarget: ParsableArguments {
    @Argument(help: "The index directory.")
    var index: String

    @OptionGroup var writer: WriterOptions

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func open() throws -> IndexDirectory { try IndexDirectory.open(URL(fileURLWithPath: index)) }

    var progress: TerminalProgress { TerminalProgress(quiet: quiet) }
}

/// Which retriever a command uses.
enum RetrieverChoice: String, ExpressibleByArgument, CaseIterable {
    case bm25
    case dense
    case hybrid
}

/// How `--retriever hybrid` fuses BM25 and dense rankings (`eval` and `search`).
struct FusionOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case rrf
        case interpolate
    }

    @Option(help: "Hybrid: reciprocal rank fusion (rrf) or min-max normalised score interpolation (interpolate).")
    var fusion: Method = .rrf

    @Option(help: "Hybrid, interpolate: the dense scores' weight; BM25's is 1 minus it.")
    var hybridWeight = 0.5

    @Option(help: "Hybrid, rrf: the constant k in 1 / (k + rank).")
    var rrfK = 60.0

    @Option(help: "Hybrid: documents each retriever contributes per query (at least the depth asked for).")
    var hybridCandidates = 100

    func validate() throws {
        if !(0...1).contains(hybridWeight) { throw ValidationError("--hybrid-weight must be between 0 and 1.") }
        if rrfK < 0 { throw ValidationError("--rrf-k must not be negative.") }
        if hybridCandidates < 1 { throw ValidationError("--hybrid-candidates must be at least 1.") }
    }

    var method: FusionMethod {
        switch fusion {
        case .rrf: return .reciprocalRank(k: rrfK)
        case .interpolate: return .interpolation(denseWeight: hybridWeight)
        }
    }
}

/// Writes a line to stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs `body`; a library error is printed as `error: <description>` (which names the file, line
/// or field) and the command exits non-zero instead of trapping.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        warn("error: \(error)")
        throw ExitCode.failure
    }
}

/// `reportingErrors` for async commands.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        warn("error: \(error)")
        throw ExitCode.failure
    }
}

/// Prints a JSON value built from dictionaries, arrays, strings and numbers.
func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.withoutEscapingSlashes, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The BM25 options shared by `eval` and `search`.
struct BM25Options: ParsableArguments {
    @Option(help: "BM25 scoring: bright (BRIGHT's, gensim's LuceneBM25Model on both sides) or lucene (Anserini's).")
    var bm25Variant: BM25Variant = .bright

    @Option(help: "BM25 k1.")
    var k1: Double = 0.9

    @Option(help: "BM25 b.")
    var b: Double = 0.4

    var parameters: BM25Parameters { BM25Parameters(k1: k1, b: b) }
}
