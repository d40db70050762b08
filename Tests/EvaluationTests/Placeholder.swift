import Testing
@testable import Evaluation

@Test func EvaluationLoads() {
    #expect(Bool(true))
}
