/// A GGML tensor element type as GGUF stores it (`ggml_type`): a type id, the number of values per
/// block and the bytes per block. Unknown ids are rejected when a file is opened.
public struct GGUFTensorType: Hashable, Sendable, CustomStringConvertible {
    public let id: UInt32
    public let name: String
    /// Values per block (1 for plain float types, 32 for Q4_0…Q8_0, 256 for the K-quants).
    public let blockSize: Int
    /// Bytes per block.
    public let bytesPerBlock: Int

    /// Whether ``GGUFFile/dequantize(_:rows:into:)`` can decode this type.
    public var canDequantize: Bool { GGUFTensorType.decodable.contains(id) }

    public var description: String { name }

    /// Bytes taken by `count` values (a multiple of `blockSize`); `nil` on overflow or a partial block.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    public static let f32 = GGUFTensorType(id: 0, name: "F32", blockSize: 1, bytesPerBlock: 4)
    public static let f16 = GGUFTensorType(id: 1, name: "F16", blockSize: 1, bytesPerBlock: 2)
    public static let q4_0 = GGUFTensorType(id: 2, name: "Q4_0", blockSize: 32, bytesPerBlock: 18)
    public static let q4_1 = GGUFTensorType(id: 3, name: "Q4_1", blockSize: 32, bytesPerBlock: 20)
    public static let q5_0 = GGUFTensorType(id: 6, name: "Q5_0", blockSize: 32, bytesPerBlock: 22)
    public static let q5_1 = GGUFTensorType(id: 7, name: "Q5_1", blockSize: 32, bytesPerBlock: 24)
    public static let q8_0 = GGUFTensorType(id: 8, name: "Q8_0", blockSize: 32, bytesPerBlock: 34)
    public static let q8_1 = GGUFTensorType(id: 9, name: "Q8_1", blockSize: 32, bytesPerBlock: 36)
    public static let q2_K = GGUFTensorType(id: 10, name: "Q2_K", blockSize: 256, bytesPerBlock: 84)
    public static let q3_K = GGUFTensorType(id: 11, name: "Q3_K", blockSize: 256, bytesPerBlock: 110)
    public static let q4_K = GGUFTensorType(id: 12, name: "Q4_K", blockSize: 256, bytesPerBlock: 144)
    public static let q5_K = GGUFTensorType(id: 13, name: "Q5_K", blockSize: 256, bytesPerBlock: 176)
    public static let q6_K = GGUFTensorType(id: 14, name: "Q6_K", blockSize: 256, bytesPerBlock: 210)
    public static let q8_K = GGUFTensorType(id: 15, name: "Q8_K", blockSize: 256, bytesPerBlock: 292)
    public static let i8 = GGUFTensorType(id: 24, name: "I8", blockSize: 1, bytesPerBlock: 1)
    public static let i16 = GGUFTensorType(id: 25, name: "I16", blockSize: 1, bytesPerBlock: 2)
    public static let i32 = GGUFTensorType(id: 26, name: "I32", blockSize: 1, bytesPerBlock: 4)
    public static let i64 = GGUFTensorType(id: 27, name: "I64", blockSize: 1, bytesPerBlock: 8)
    public static let f64 = GGUFTensorType(id: 28, name: "F64", blockSize: 1, bytesPerBlock: 8)
    public static let bf16 = GGUFTensorType(id: 30, name: "BF16", blockSize: 1, bytesPerBlock: 2)

    /// Every type whose layout is known (the i-quants and ternary types are not).
    public static let known: [GGUFTensorType] = [
        f32, f16, q4_0, q4_1, q5_0, q5_1, q8_0, q8_1, q2_K, q3_K, q4_K, q5_K, q6_K, q8_K, i8, i16, i32, i64, f64, bf16,
    ]

    /// The type with GGML id `id`, if known.
    public init?(id: UInt32) {
        guard let type = GGUFTensorType.known.first(where: { $0.id == id }) else { return nil }
        self = type
    }

    private init(id: UInt32, name: String, blockSize: Int, bytesPerBlock: Int) {
        self.id = id
        self.name = name
        self.blockSize = blockSize
        self.bytesPerBlock = bytesPerBlock
    }

    /// The ids `rk_dequantize` implements.
    private static let decodable: Set<UInt32> = [0, 1, 2, 3, 6, 8, 12, 13, 14, 30]
}
