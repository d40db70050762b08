func cosine(_ a: some Collection<Float>, _ b: some Collection<Double>) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * y; na += Double(x) * Double(x); nb += y * y }
    return dot / (na.squareRoot() * nb.squareRoot())
}
