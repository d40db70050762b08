/// The type tag of a GGUF metadata value (`gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CustomStringConvertible {
    case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

    /// The name GGUF's specification uses (UINT8 … FLOAT64).
    public var description: String {
        ["UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY", "UINT64",
         "INT64", "FLOAT64"][Int(rawValue)]
    }
}

/// One metadata value. Arrays keep their element type (nested arrays included), so an empty array
/// still says what it holds.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFValueType, [GGUFValue])

    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// Any integer type as `Int`; `nil` for other types and for a UInt64 beyond `Int.max`.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// Either float type (and integers, which config values sometimes use) as `Double`.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return intValue.map(Double.init)
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// What an error message calls this value's type, e.g. "ARRAY of STRING".
    var typeDescription: String {
        if case .array(let element, _) = self { return "ARRAY of \(element)" }
        return type.description
    }
}

/// The key–value metadata of a GGUF file, in file order, with typed accessors whose errors name the
/// file and the key (``GGUFError/missingKey(path:key:)``, ``GGUFError/wrongValueType(path:key:expected:actual:)``).
public struct GGUFMetadata: Sendable {
    public let path: String
    /// Keys in the order the file lists them.
    public let keys: [String]
    public let values: [String: GGUFValue]

    public init(path: String, entries: [(String, GGUFValue)]) {
        self.path = path
        keys = entries.map(\.0)
        values = Dictionary(entries, uniquingKeysWith: { _, last in last })
    }

    public subscript(key: String) -> GGUFValue? { values[key] }
    public func contains(_ key: String) -> Bool { values[key] != nil }

    public func value(_ key: String) throws -> GGUFValue {
        guard let value = values[key] else { throw GGUFError.missingKey(path: path, key: key) }
        return value
    }

    public func string(_ key: String) throws -> String {
        try typed(key, "STRING") { $0.stringValue }
    }

    /// Any integer type.
    public func int(_ key: String) throws -> Int {
        try typed(key, "an integer") { $0.intValue }
    }

    /// FLOAT32 or FLOAT64 (or an integer).
    public func float(_ key: String) throws -> Float {
        try typed(key, "a float") { $0.doubleValue.map(Float.init) }
    }

    public func double(_ key: String) throws -> Double {
        try typed(key, "a float") { $0.doubleValue }
    }

    public func bool(_ key: String) throws -> Bool {
        try typed(key, "BOOL") { $0.boolValue }
    }

    public func stringArray(_ key: String) throws -> [String] {
        try array(key, "ARRAY of STRING") { $0.stringValue }
    }

    public func intArray(_ key: String) throws -> [Int] {
        try array(key, "ARRAY of integers") { $0.intValue }
    }

    public func floatArray(_ key: String) throws -> [Float] {
        try array(key, "ARRAY of floats") { $0.doubleValue.map(Float.init) }
    }

    /// The accessors above for keys that may be absent: `nil` when missing, an error when of the wrong type.
    public func optional<T>(_ key: String, _ read: (GGUFMetadata) -> (String) throws -> T) throws -> T? {
        guard contains(key) else { return nil }
        return try read(self)(key)
    }

    private func typed<T>(_ key: String, _ expected: String, _ convert: (GGUFValue) -> T?) throws -> T {
        let value = try value(key)
        guard let result = convert(value) else {
            throw GGUFError.wrongValueType(path: path, key: key, expected: expected, actual: value.typeDescription)
        }
        return result
    }

    private func array<T>(_ key: String, _ expected: String, _ convert: (GGUFValue) -> T?) throws -> [T] {
        let value = try value(key)
        guard case .array(_, let items) = value else {
            throw GGUFError.wrongValueType(path: path, key: key, expected: expected, actual: value.typeDescription)
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let converted = convert(item) else {
                throw GGUFError.wrongValueType(path: path, key: key, expected: expected, actual: value.typeDescription)
            }
            result.append(converted)
        }
        return result
    }
}
