/// One tensor's entry in a GGUF file.
///
/// GGUF lists dimensions innermost first: `ne[0]` is the contiguous one (a row of a weight matrix,
/// the input features), so a PyTorch `[out, in]` weight has `ne == [in, out]`. ``shape`` gives the
/// row-major (PyTorch/numpy) order.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGUFTensorType
    /// Dimensions, `ne[0]` first (contiguous).
    public let ne: [Int]
    /// Offset relative to the start of the data section, as stored.
    public let offset: Int
    /// Absolute byte range in the file.
    public let byteRange: Range<Int>

    public var elementCount: Int { ne.reduce(1, *) }
    /// Row-major shape: `ne` reversed.
    public var shape: [Int] { ne.reversed() }
    /// Values per row (`ne[0]`).
    public var rowLength: Int { ne.first ?? 1 }
    /// Rows: the product of every dimension after the first.
    public var rowCount: Int { ne.dropFirst().reduce(1, *) }
    /// Bytes per row (a whole number of blocks, checked when the file is opened).
    public var bytesPerRow: Int { rowLength / type.blockSize * type.bytesPerBlock }
}
