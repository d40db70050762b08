import CKernels
import Foundation

/// How a dense index stores its vectors: Float32, or IEEE Float16 (half the memory and disk, about
/// three significant digits; queries stay Float32 and scores are summed in Float32).
public enum VectorType: String, Codable, Sendable, CaseIterable {
    case f32
    case f16

    /// The largest finite Float16.
    public static let halfMaximum: Float = 65504

    public var bytesPerValue: Int { self == .f32 ? 4 : 2 }

    /// The vectors' file in a flat or HNSW index directory: `vectors.f32` or `vectors.f16`.
    public var vectorsFile: String { "vectors.\(rawValue)" }

    /// Refuses a vector this type cannot store: NaN or infinity always, and for f16 a value beyond
    /// ±65504 (rounding it to infinity would corrupt every score it takes part in).
    public func validate(_ row: UnsafeBufferPointer<Float>, id: @autoclosure () -> String) throws {
        for value in row {
            guard value.isFinite else { throw VectorIndexError.notFinite(id: id()) }
            if self == .f16, abs(value) > Self.halfMaximum { throw VectorIndexError.outOfHalfRange(id: id(), value: value) }
        }
    }

    /// `values` (whole rows of `dimension`) in this type's little-endian bytes, each row validated
    /// first; `id(row)` names a refused row.
    public func encode(_ values: UnsafeBufferPointer<Float>, dimension: Int, id: (Int) -> String) throws -> Data {
        let rows = dimension == 0 ? 0 : values.count / dimension
        for row in 0..<rows {
            try validate(UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)]), id: id(row))
        }
        switch self {
        case .f32:
            return Data(buffer: values)
        case .f16:
            var data = Data(count: values.count * 2)
            data.withUnsafeMutableBytes { out in
                if let base = values.baseAddress, !values.isEmpty {
                    rk_f32_to_f16(base, out.baseAddress!.assumingMemoryBound(to: UInt16.self), values.count)
                }
            }
            return data
        }
    }

    /// Widens `count` stored values at `source` into `destination` (exactly, either type).
    public func decode(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32: destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
        case .f16: rk_f16_to_f32(source.assumingMemoryBound(to: UInt16.self), destination, count)
        }
    }
}
