/// A shaped, read-only Float32 tensor, row-major (the last dimension contiguous), as model weights
/// are stored. The values live either in a memory-mapped file (zero copy) or in memory it owns (after
/// an F16/BF16 conversion, or for tests); `owner` keeps that memory alive as long as any copy of the
/// tensor exists.
public struct FloatTensor: @unchecked Sendable {
    public let shape: [Int]
    public let pointer: UnsafePointer<Float>
    /// What keeps `pointer` valid (a mapped file or an owned buffer).
    public let owner: AnyObject

    public init(shape: [Int], pointer: UnsafePointer<Float>, owner: AnyObject) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.pointer = pointer
        self.owner = owner
    }

    /// A tensor that owns a copy of `values`.
    public init(shape: [Int], values: [Float]) {
        let count = shape.reduce(1, *)
        precondition(values.count == count, "shape \(shape) needs \(count) values, got \(values.count)")
        let matrix = Matrix(rows: 1, columns: count, values: values)
        self.init(shape: shape, pointer: UnsafePointer(matrix.storage), owner: matrix)
    }

    /// A tensor that owns `matrix` (its current shape, packed).
    public init(shape: [Int], matrix: Matrix) {
        precondition(shape.reduce(1, *) == matrix.count, "shape \(shape) does not match \(matrix.count) values")
        self.init(shape: shape, pointer: UnsafePointer(matrix.storage), owner: matrix)
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

    /// The tensor as a matrix: rank 2 as it is, rank 1 as a single row, higher ranks with every leading
    /// dimension folded into the rows.
    public var matrix: MatrixView {
        switch shape.count {
        case 0: return MatrixView(base: pointer, rows: 1, columns: 1)
        case 1: return MatrixView(base: pointer, rows: 1, columns: shape[0])
        default:
            let columns = shape[shape.count - 1]
            return MatrixView(base: pointer, rows: count / Swift.max(columns, 1), columns: columns)
        }
    }

    public func toArray() -> [Float] { Array(buffer) }
}
