import Foundation
import Metrics
import Prometheus

/// The server's metrics through swift-metrics, kept in its own Prometheus registry (one per
/// server, so that tests running several servers in one process never share counts) and written
/// in Prometheus' text format by `GET /metrics`.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        self.factory = factory
    }

    /// One finished request: its route (the pattern, not the raw path), method and status.
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "reasonir_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "reasonir_http_request_duration_seconds", dimensions: [("route", route), ("method", method)],
                      factory: factory).recordSeconds(seconds)
    }

    /// One shared embedding batch.
    func recordBatch(requests: Int, sequences: Int, tokens: Int, seconds: Double) {
        Counter(label: "reasonir_embedding_batches_total", factory: factory).increment()
        Counter(label: "reasonir_embedding_inputs_total", factory: factory).increment(by: sequences)
        Counter(label: "reasonir_embedding_tokens_total", factory: factory).increment(by: tokens)
        Recorder(label: "reasonir_embedding_batch_requests", factory: factory).record(requests)
        Recorder(label: "reasonir_embedding_batch_inputs", factory: factory).record(sequences)
        Metrics.Timer(label: "reasonir_embedding_batch_duration_seconds", factory: factory).recordSeconds(seconds)
    }

    /// A request refused because a queue was full.
    func recordRejection(queue: String) {
        Counter(label: "reasonir_rejected_requests_total", dimensions: [("queue", queue)], factory: factory).increment()
    }

    /// Generated tokens.
    func recordGeneration(promptTokens: Int, completionTokens: Int) {
        Counter(label: "reasonir_generation_prompt_tokens_total", factory: factory).increment(by: promptTokens)
        Counter(label: "reasonir_generation_completion_tokens_total", factory: factory).increment(by: completionTokens)
    }

    func setGauge(_ label: String, _ value: Int) {
        Gauge(label: label, factory: factory).record(value)
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}
