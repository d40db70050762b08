import Foundation

/// Threads to use when the caller does not say: every core.
public var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }
