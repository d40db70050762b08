import Tensor

/// One trainable tensor: its values, the gradient accumulated for it, and whether weight decay
/// applies (as Hugging Face's Trainer: not to biases and LayerNorm parameters).
public final class Parameter: @unchecked Sendable {
    /// The name it is saved under (Hugging Face's, e.g. `encoder.layer.0.attention.self.query.weight`).
    public let name: String
    public let shape: [Int]
    /// Row-major values, `shape` folded into a matrix as ``FloatTensor/matrix`` does.
    public let value: Matrix
    /// The gradient, the same shape; backward passes add into it.
    public let gradient: Matrix
    public let decays: Bool

    public init(name: String, shape: [Int], values: UnsafePointer<Float>, decays: Bool) {
        self.name = name
        self.shape = shape
        let columns = shape.last ?? 1
        let rows = shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *)
        value = Matrix(rows: rows, columns: columns)
        value.storage.update(from: values, count: rows * columns)
        gradient = Matrix(rows: rows, columns: columns)
        self.decays = decays
    }

    public convenience init(name: String, tensor: FloatTensor, decays: Bool) {
        self.init(name: name, shape: tensor.shape, values: tensor.pointer, decays: decays)
    }

    public var count: Int { value.count }

    public func zeroGradient() { gradient.fill(0) }
}

extension Array where Element == Parameter {
    /// Sets every gradient to zero (before the next accumulation).
    public func zeroGradients() { forEach { $0.zeroGradient() } }

    /// The total number of values.
    public var valueCount: Int { reduce(0) { $0 + $1.count } }
}
