/// Lines of a score against a numeric setting (rerank depth, rewrite token budget), one a
/// retriever, drawn as inline SVG.
struct LineChart {
    struct Series {
        var label: String
        var colour: String
        var points: [(x: Double, y: Double)]
    }

    var id: String
    var series: [Series]
    var xLabel: String
    var yLabel: String
    var width = 960.0
    var height = 340.0

    func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xAxis = LinearAxis(covering: min(xs.min() ?? 0, 0), xs.max() ?? 1)
        let yAxis = LinearAxis(covering: 0, max(ys.max() ?? 1, 0.01))
        let left = 60.0, right = width - 16, top = 14.0, bottom = height - 46
        var out = Markup.svgStart(id: id, width: width, height: height, label: "\(yLabel) against \(xLabel)")
        out += ValueAxisMarkup.horizontalGrid(yAxis, left: left, right: right, top: top, bottom: bottom, label: yLabel)
        for tick in xAxis.ticks {
            let x = xAxis.position(tick, from: left, to: right)
            out += "<text class=\"tick\" text-anchor=\"middle\" x=\"\(Markup.coordinate(x))\" "
                + "y=\"\(Markup.coordinate(bottom + 16))\">\(xAxis.label(tick))</text>\n"
        }
        out += "<text class=\"axis-title\" text-anchor=\"middle\" x=\"\(Markup.coordinate((left + right) / 2))\" "
            + "y=\"\(Markup.coordinate(bottom + 38))\">\(Markup.escape(xLabel))</text>\n"
        for line in series {
            let sorted = line.points.sorted { $0.x < $1.x }
            let coordinates = sorted.map {
                (xAxis.position($0.x, from: left, to: right), yAxis.position($0.y, from: bottom, to: top))
            }
            out += "<polyline class=\"line\" fill=\"none\" stroke=\"\(line.colour)\" points=\""
                + coordinates.map { "\(Markup.coordinate($0.0)),\(Markup.coordinate($0.1))" }.joined(separator: " ") + "\"/>\n"
            for (point, (x, y)) in zip(sorted, coordinates) {
                out += "<circle class=\"point\" cx=\"\(Markup.coordinate(x))\" cy=\"\(Markup.coordinate(y))\" r=\"4\" "
                    + "fill=\"\(line.colour)\"><title>\(Markup.escape(line.label)) at \(Markup.coordinate(point.x)): "
                    + "\(Markup.score(point.y, digits: 5))</title></circle>\n"
            }
        }
        return out + "</svg>"
    }
}
