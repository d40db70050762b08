import Testing
@testable import ReasonIR

@Test func ReasonIRLoads() {
    #expect(Bool(true))
}
