import Testing
@testable import Retrieval

@Test func RetrievalLoads() {
    #expect(Bool(true))
}
