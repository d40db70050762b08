import Foundation

/// A value as Python's `eval` gives it for the small expression language that TheoremQA's scorer
/// feeds it (numbers, booleans, strings, lists/tuples/sets, arithmetic, `math.*`).
///
/// TheoremQA scores a prediction by `eval`-ing its normalized text; we evaluate the same subset
/// natively so that the verdicts match without running Python. `bool` stays distinct from `int`
/// here, but the scorer treats it as Python does (a subclass of `int`).
public indirect enum PythonValue: Sendable, Equatable {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// A list, a tuple or a set (the scorer turns tuples and sets into lists).
    case list([PythonValue])
    case none

    /// The numeric value when Python would treat it as a number (`bool` included), else nil.
    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float(let v): return v
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// Why an expression does not evaluate (Python would raise).
public struct PythonEvalError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Evaluates the Python expression subset that TheoremQA's normalized predictions use.
public enum PythonExpression {
    /// The value of `text`, or throws where Python's `eval` raises (syntax error, unknown name,
    /// division by zero, an operation we do not model).
    public static func evaluate(_ text: String) throws -> PythonValue {
        var parser = Parser(tokens: try tokenize(text))
        let value = try parser.expressionList()
        guard parser.atEnd else { throw PythonEvalError(reason: "unexpected token") }
        return value
    }

    enum Token: Equatable {
        case number(String), name(String), string(String), op(String)
    }

    static func tokenize(_ text: String) throws -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.properties.isAlphabetic) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                var j = i
                while j < chars.count && isDigit(chars[j]) { j += 1 }
                if j < chars.count && chars[j] == "." { j += 1; while j < chars.count && isDigit(chars[j]) { j += 1 } }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    var k = j + 1
                    if k < chars.count && (chars[k] == "+" || chars[k] == "-") { k += 1 }
                    if k < chars.count && isDigit(chars[k]) {
                        while k < chars.count && isDigit(chars[k]) { k += 1 }
                        j = k
                    }
                }
                let literal = String(String.UnicodeScalarView(chars[i..<j]))
                // Python 3 forbids leading zeros in nonzero integer literals ("05").
                if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), literal.count > 1,
                   literal.first == "0", literal.contains(where: { $0 != "0" }) {
                    throw PythonEvalError(reason: "leading zeros in an integer literal")
                }
                // A name glued to a number ("4kHz", "3x") is a syntax error in Python.
                if j < chars.count && (isNameStart(chars[j]) || isDigit(chars[j])) {
                    throw PythonEvalError(reason: "invalid number literal")
                }
                tokens.append(.number(literal)); i = j; continue
            }
            if isNameStart(c) {
                var j = i
                while j < chars.count && (isNameStart(chars[j]) || isDigit(chars[j])) { j += 1 }
                tokens.append(.name(String(String.UnicodeScalarView(chars[i..<j])))); i = j; continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                var s = ""
                while j < chars.count && chars[j] != c {
                    if chars[j] == "\\" { throw PythonEvalError(reason: "escapes are not modelled") }
                    s.unicodeScalars.append(chars[j]); j += 1
                }
                guard j < chars.count else { throw PythonEvalError(reason: "unterminated string") }
                tokens.append(.string(s)); i = j + 1; continue
            }
            let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
            if ["**", "//"].contains(two) { tokens.append(.op(two)); i += 2; continue }
            if "+-*/%()[]{},.".unicodeScalars.contains(c) { tokens.append(.op(String(c))); i += 1; continue }
            throw PythonEvalError(reason: "unexpected character \(c)")
        }
        return tokens
    }

    struct Parser {
        var tokens: [Token]
        var position = 0
        var atEnd: Bool { position == tokens.count }
        func peek() -> Token? { position < tokens.count ? tokens[position] : nil }
        mutating func accept(_ op: String) -> Bool {
            if peek() == .op(op) { position += 1; return true }
            return false
        }

        /// `a, b, c` (a tuple) or a single expression.
        mutating func expressionList(closing: String? = nil) throws -> PythonValue {
            let first = try orTest()
            guard peek() == .op(",") else { return first }
            var items = [first]
            while accept(",") {
                if atEnd || (closing.map { peek() == .op($0) } ?? false) { break }
                items.append(try orTest())
            }
            return .list(items)
        }

        /// `a or b`, `a and b`, `not a`: Python returns an operand, not a bool ("1 and 2" is 2).
        mutating func orTest() throws -> PythonValue {
            var value = try andTest()
            while peek() == .name("or") {
                position += 1
                let rhs = try andTest()
                value = truthy(value) ? value : rhs
            }
            return value
        }

        mutating func andTest() throws -> PythonValue {
            var value = try notTest()
            while peek() == .name("and") {
                position += 1
                let rhs = try notTest()
                value = truthy(value) ? rhs : value
            }
            return value
        }

        mutating func notTest() throws -> PythonValue {
            if peek() == .name("not") { position += 1; return .bool(!truthy(try notTest())) }
            return try expression()
        }

        func truthy(_ v: PythonValue) -> Bool {
            switch v {
            case .none: return false
            case .string(let s): return !s.isEmpty
            case .list(let l): return !l.isEmpty
            default: return (v.number ?? 0) != 0
            }
        }

        mutating func expression() throws -> PythonValue {
            var value = try term()
            while let t = peek(), t == .op("+") || t == .op("-") {
                position += 1
                let rhs = try term()
                value = try arithmetic(t == .op("+") ? "+" : "-", value, rhs)
            }
            return value
        }

        mutating func term() throws -> PythonValue {
            var value = try unary()
            while let t = peek(), case .op(let o) = t, ["*", "/", "//", "%"].contains(o) {
                position += 1
                value = try arithmetic(o, value, try unary())
            }
            return value
        }

        mutating func unary() throws -> PythonValue {
            if accept("-") { return try arithmetic("neg", try unary(), .none) }
            if accept("+") { return try arithmetic("pos", try unary(), .none) }
            return try power()
        }

        mutating func power() throws -> PythonValue {
            let base = try postfix()
            if accept("**") { return try arithmetic("**", base, try unary()) }
            return base
        }

        mutating func postfix() throws -> PythonValue {
            guard let t = peek() else { throw PythonEvalError(reason: "unexpected end") }
            position += 1
            switch t {
            case .number(let s):
                if s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                    guard let d = Double(s.hasPrefix(".") ? "0" + s : (s.hasSuffix(".") ? s + "0" : s)) else { throw PythonEvalError(reason: "bad float") }
                    return .float(d)
                }
                if let i = Int(s) { return .int(i) }
                // Python ints are unbounded; past Int's range we keep the magnitude as a float.
                return .float(Double(s) ?? .infinity)
            case .string(let s): return .string(s)
            case .op("("):
                if accept(")") { return .list([]) }
                let v = try expressionList(closing: ")")
                guard accept(")") else { throw PythonEvalError(reason: "missing )") }
                return v
            case .op("["), .op("{"):
                let close = t == .op("[") ? "]" : "}"
                if accept(close) {
                    if close == "}" { throw PythonEvalError(reason: "dict is not modelled") }
                    return .list([])
                }
                var items = [try orTest()]
                while accept(",") {
                    if peek() == .op(close) { break }
                    items.append(try orTest())
                }
                guard accept(close) else { throw PythonEvalError(reason: "missing \(close)") }
                if close == "}" {
                    // A set: Python drops repeated members.
                    var unique: [PythonValue] = []
                    for item in items where !unique.contains(where: { pyEqual($0, item) }) { unique.append(item) }
                    return .list(unique)
                }
                return .list(items)
            case .name(let n):
                switch n {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                case "math":
                    guard accept("."), case .name(let member)? = peek() else { throw PythonEvalError(reason: "bad math member") }
                    position += 1
                    return try mathMember(member)
                default: throw PythonEvalError(reason: "name '\(n)' is not defined")
                }
            default: throw PythonEvalError(reason: "unexpected token")
            }
        }

        mutating func mathMember(_ member: String) throws -> PythonValue {
            switch member {
            case "pi": return .float(Double.pi)
            case "e": return .float(M_E)
            case "inf": return .float(.infinity)
            default: break
            }
            guard accept("(") else { throw PythonEvalError(reason: "math.\(member) is not modelled") }
            var args: [PythonValue] = []
            if !accept(")") {
                args.append(try expression())
                while accept(",") { args.append(try expression()) }
                guard accept(")") else { throw PythonEvalError(reason: "missing )") }
            }
            let xs = try args.map { v -> Double in
                guard let d = v.number else { throw PythonEvalError(reason: "math needs numbers") }
                return d
            }
            func one() throws -> Double {
                guard xs.count == 1 else { throw PythonEvalError(reason: "math.\(member) takes one argument") }
                return xs[0]
            }
            switch member {
            case "pow":
                guard xs.count == 2 else { throw PythonEvalError(reason: "math.pow takes two arguments") }
                if xs[0] == 0 && xs[1] < 0 { throw PythonEvalError(reason: "math domain error") }
                let r = Foundation.pow(xs[0], xs[1])
                if r.isNaN || r.isInfinite { throw PythonEvalError(reason: "math range error") }
                return .float(r)
            case "sqrt":
                let x = try one(); if x < 0 { throw PythonEvalError(reason: "math domain error") }
                return .float(x.squareRoot())
            case "exp":
                let r = Foundation.exp(try one()); if r.isInfinite { throw PythonEvalError(reason: "math range error") }
                return .float(r)
            case "log":
                guard xs.count == 1 || xs.count == 2, xs.allSatisfy({ $0 > 0 }) else { throw PythonEvalError(reason: "math domain error") }
                return .float(xs.count == 1 ? Foundation.log(xs[0]) : Foundation.log(xs[0]) / Foundation.log(xs[1]))
            case "sin": return .float(Foundation.sin(try one()))
            case "cos": return .float(Foundation.cos(try one()))
            case "tan": return .float(Foundation.tan(try one()))
            default: throw PythonEvalError(reason: "math.\(member) is not modelled")
            }
        }
    }

    /// Python's `==` on the values we model (numbers across int/float/bool compare by value).
    static func pyEqual(_ a: PythonValue, _ b: PythonValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x.count == y.count && zip(x, y).allSatisfy { pyEqual($0, $1) }
        case (.none, .none): return true
        default: return false
        }
    }

    static func arithmetic(_ op: String, _ a: PythonValue, _ b: PythonValue) throws -> PythonValue {
        func asInt(_ v: PythonValue) -> Int? {
            switch v { case .int(let i): return i; case .bool(let x): return x ? 1 : 0; default: return nil }
        }
        if op == "neg" || op == "pos" {
            if let i = asInt(a) { return .int(op == "neg" ? (i == Int.min ? Int.max : -i) : i) }
            if case .float(let d) = a { return .float(op == "neg" ? -d : d) }
            throw PythonEvalError(reason: "bad operand for unary \(op)")
        }
        if op == "+", case .list(let x) = a, case .list(let y) = b { return .list(x + y) }
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        guard let x = a.number, let y = b.number else { throw PythonEvalError(reason: "unsupported operand types") }
        let ints = asInt(a).flatMap { ia in asInt(b).map { (ia, $0) } }
        switch op {
        case "+", "-", "*":
            if let (i, j) = ints {
                let (r, overflow) = op == "+" ? i.addingReportingOverflow(j) : op == "-" ? i.subtractingReportingOverflow(j) : i.multipliedReportingOverflow(by: j)
                return overflow ? .float(op == "+" ? x + y : op == "-" ? x - y : x * y) : .int(r)
            }
            return .float(op == "+" ? x + y : op == "-" ? x - y : x * y)
        case "/":
            if y == 0 { throw PythonEvalError(reason: "division by zero") }
            return .float(x / y)
        case "//", "%":
            if y == 0 { throw PythonEvalError(reason: "division by zero") }
            let q = (x / y).rounded(.down)
            if let (i, j) = ints {
                let qi = Int(q)
                return op == "//" ? .int(qi) : .int(i - qi * j)
            }
            return .float(op == "//" ? q : x - q * y)
        case "**":
            if let (i, j) = ints, j >= 0 {
                let r = Foundation.pow(Double(i), Double(j))
                if abs(r) < 9.0e15 { return .int(Int(r)) }
                return .float(r)
            }
            if x == 0 && y < 0 { throw PythonEvalError(reason: "zero to a negative power") }
            let r = Foundation.pow(x, y)
            if r.isNaN { throw PythonEvalError(reason: "complex result is not modelled") }
            if r.isInfinite { throw PythonEvalError(reason: "overflow") }
            return .float(r)
        default: throw PythonEvalError(reason: "unknown operator \(op)")
        }
    }
}
