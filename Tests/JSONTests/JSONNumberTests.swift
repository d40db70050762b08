import JSON
import Testing

/// Numbers keep their text; `int` and `double` convert.
struct JSONNumberTests {
    static func numbers(_ text: String) throws -> [JSONNumber] {
        guard case .array(let values) = try JSONParser.parse(Array(text.utf8)) else { return [] }
        return values.compactMap { if case .number(let n) = $0 { n } else { nil } }
    }

    @Test func integersAndDoubles() throws {
        let n = try Self.numbers("[0, -0, 7, -123456789012345678, 9223372036854775807, 9223372036854775808, 1.5e-3, -2E+2]")
        #expect(n.map(\.int) == [0, 0, 7, -123456789012345678, Int.max, nil, nil, nil])
        #expect(n.map(\.double) == [0, 0, 7, Double(-123456789012345678), Double(Int.max), 9223372036854775808, 0.0015, -200])
        #expect(n.map(\.isInteger) == [true, true, true, true, true, true, false, false])
    }

    @Test func textIsExact() throws {
        let texts = ["0", "-0", "42", "-7", "123456789012345678", "1234567890123456789", "12345678901234567890",
                     "-92233720368547758080", "0.1000000000000000055511151231257827", "1e400", "1E+2", "-0.0", "2.50"]
        let n = try Self.numbers("[" + texts.joined(separator: ", ") + "]")
        #expect(n.map(\.text) == texts)
        #expect(n.map(\.description) == texts)
        #expect(n[9].double == .infinity)
        #expect(n[5].int == 1234567890123456789)
        #expect(n[6].int == nil && n[6].isInteger)
        // Equal when written the same, not when merely of equal value.
        #expect(n[0] != n[1])
        #expect(try Self.numbers("[1.0, 1.0, 1]").adjacentPairs() == [true, false])
    }

    /// Python's `float()` bit patterns: correctly rounded, where Foundation's JSONSerialization on
    /// Linux is an ulp or two off for these (it reads them as NSDecimalNumber).
    @Test func doublesAreCorrectlyRounded() throws {
        let n = try Self.numbers("[4.1984184932952635, 0.8758888888888888, 0.012207984924316406, 5e-324, 1.7976931348623157e308]")
        #expect(n.map(\.double.bitPattern) == [4616413017417875391, 4606064525292512331, 4578191045954633728, 1, 0x7FEF_FFFF_FFFF_FFFF])
    }

    @Test(arguments: ["01", "-", "-a", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5.2", "Infinity", "NaN", "-Infinity"])
    func invalidNumbers(_ text: String) {
        #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONParser.parse(Array(text.utf8)) }
    }
}

extension [JSONNumber] {
    fileprivate func adjacentPairs() -> [Bool] { zip(self, dropFirst()).map { $0 == $1 } }
}
