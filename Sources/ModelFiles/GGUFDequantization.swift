import CKernels
import Tensor

extension GGUFFile {
    /// Decodes rows `rows` of `tensor` (rows of `ne[0]` values, see ``GGUFTensorInfo/rowCount``) into
    /// `destination`, which must hold `rows.count * tensor.rowLength` floats. Throws for rows outside the
    /// tensor and for types this engine does not decode.
    public func dequantize(_ tensor: GGUFTensorInfo, rows: Range<Int>, into destination: UnsafeMutablePointer<Float>) throws {
        guard rows.lowerBound >= 0, rows.upperBound <= tensor.rowCount else {
            throw GGUFError.shapeMismatch(path: path, tensor: tensor.name,
                                          reason: "rows \(rows) requested, the tensor has \(tensor.rowCount)")
        }
        guard tensor.type.canDequantize else {
            throw GGUFError.unsupportedTensorType(path: path, tensor: tensor.name, type: tensor.type.name)
        }
        if rows.isEmpty { return }
        let start = tensor.byteRange.lowerBound + rows.lowerBound * tensor.bytesPerRow
        let bytes = file.bytes(start..<(start + rows.count * tensor.bytesPerRow))
        let status = rk_dequantize(Int32(tensor.type.id), bytes.baseAddress, destination, rows.count * tensor.rowLength)
        guard status == 0 else {
            throw GGUFError.unsupportedTensorType(path: path, tensor: tensor.name, type: tensor.type.name)
        }
    }

    /// The whole tensor decoded to Float32, in row-major ``GGUFTensorInfo/shape`` (ne reversed).
    /// With `shape`, throws ``GGUFError/shapeMismatch(path:tensor:reason:)`` unless it is exactly that.
    public func floatTensor(_ name: String, shape: [Int]? = nil) throws -> FloatTensor {
        let info = try tensorInfo(name)
        if let shape, shape != info.shape {
            throw GGUFError.shapeMismatch(path: path, tensor: name, reason: "shape \(info.shape), expected \(shape)")
        }
        let matrix = Matrix(rows: info.rowCount, columns: info.rowLength)
        try dequantize(info, rows: 0..<info.rowCount, into: matrix.storage)
        return FloatTensor(shape: info.shape, matrix: matrix)
    }
}
