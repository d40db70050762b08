import JSON

/// A JSON value being written: responses are built from these and rendered once, so floats come
/// out as Swift's shortest round-trip decimals (the text `reasonir embed --json` prints).
public indirect enum JSONOut: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case float(Float)
    case string(String)
    case array([JSONOut])
    case object([(String, JSONOut)])
    /// Floats in one array, rendered without a `JSONOut` per value (embeddings).
    case floats(ArraySlice<Float>)

    /// The compact JSON text.
    public var text: String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? "\(value)" : "null"
        case .float(let value): out += value.isFinite ? "\(value)" : "null"
        case .string(let value): out += JSONString.quoted(value)
        case .floats(let values):
            out += "["
            var first = true
            for value in values {
                if !first { out += "," }
                first = false
                out += value.isFinite ? "\(value)" : "null"
            }
            out += "]"
        case .array(let values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                out += JSONString.quoted(key)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }
}
