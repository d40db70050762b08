import LLM

/// Several chat servers used as one: each call goes to the endpoint with the fewest calls in
/// flight relative to its bound, so a fleet stays evenly busy and no endpoint gets more than
/// `limit` calls at once. A call that fails for a reason that may pass (server down, timeout,
/// 5xx after the client's own retries) is tried once on each other endpoint before it fails.
public final class EndpointPool: ChatModel, Sendable {
    public let endpoints: [any ChatModel]
    public let limit: Int
    private let balancer: Balancer

    /// - Parameter limit: calls in flight at once per endpoint.
    public init(endpoints: [any ChatModel], limit: Int) {
        precondition(!endpoints.isEmpty, "an endpoint pool needs at least one endpoint")
        self.endpoints = endpoints
        self.limit = max(1, limit)
        self.balancer = Balancer(count: endpoints.count, limit: max(1, limit))
    }

    /// Calls the pool can have in flight.
    public var capacity: Int { endpoints.count * limit }

    public func complete(_ messages: [ChatMessage], options: ChatOptions) async throws -> ChatCompletion {
        var tried = Set<Int>()
        var lastError: (any Error)?
        while tried.count < endpoints.count {
            let index = await balancer.acquire(avoiding: tried)
            tried.insert(index)
            do {
                let completion = try await endpoints[index].complete(messages, options: options)
                await balancer.release(index)
                return completion
            } catch let error as LLMError where error.isRetryable || Self.isConnection(error) {
                await balancer.release(index)
                lastError = error
            } catch {
                await balancer.release(index)
                throw error
            }
        }
        throw lastError ?? LLMError.missingSetting(name: "LLM endpoint", hint: "give at least one --llm-url")
    }

    private static func isConnection(_ error: LLMError) -> Bool {
        if case .connection = error { return true }
        return false
    }

    /// In-flight counts per endpoint; waiters queue until some endpoint has room.
    actor Balancer {
        private var inFlight: [Int]
        private let limit: Int
        private var waiters: [CheckedContinuation<Void, Never>] = []

        init(count: Int, limit: Int) {
            inFlight = [Int](repeating: 0, count: count)
            self.limit = limit
        }

        /// The least busy endpoint with room among those not yet tried for this call.
        func acquire(avoiding tried: Set<Int>) async -> Int {
            while true {
                let open = inFlight.indices.filter { inFlight[$0] < limit && !tried.contains($0) }
                if let best = open.min(by: { inFlight[$0] < inFlight[$1] }) {
                    inFlight[best] += 1
                    return best
                }
                await withCheckedContinuation { waiters.append($0) }
            }
        }

        /// Frees a slot and wakes every waiter: each looks again for an endpoint it may use.
        func release(_ index: Int) {
            inFlight[index] -= 1
            let woken = waiters
            waiters.removeAll()
            for waiter in woken { waiter.resume() }
        }
    }
}
