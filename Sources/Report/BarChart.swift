/// Vertical bars in groups (a group per task or condition, a bar per run), drawn as inline SVG.
struct GroupedBarChart {
    struct Series {
        var label: String
        var colour: String
        /// One value a group; nil draws no bar.
        var values: [Double?]
        /// Optional 95% intervals, one a group, drawn as whiskers.
        var intervals: [ClosedRange<Double>?] = []
    }

    var id: String
    var groups: [String]
    var series: [Series]
    var valueLabel: String
    /// The class of each bar, by which tests and styles find them.
    var barClass: String
    var width = 960.0
    var height = 360.0
    var fixedMaximum: Double?

    func svg() -> String {
        let values = series.flatMap { $0.values.compactMap { $0 } } + series.flatMap { $0.intervals.compactMap { $0?.upperBound } }
        let axis = LinearAxis(covering: 0, fixedMaximum ?? max(values.max() ?? 1, 0.01))
        let longest = groups.map(\.count).max() ?? 0
        let left = 60.0, right = width - 12, top = 14.0
        let groupWidth = (right - left) / Double(max(groups.count, 1))
        // Rotate the group names when they would not fit side by side.
        let rotate = Double(longest) * 6.6 > groupWidth - 4
        let bottom = height - (rotate ? min(24 + Double(longest) * 4.6, 130) : 36)
        let barWidth = groupWidth * 0.8 / Double(max(series.count, 1))
        var out = Markup.svgStart(id: id, width: width, height: height, label: "\(valueLabel) by \(groups.count) groups for \(series.count) runs")
        out += ValueAxisMarkup.horizontalGrid(axis, left: left, right: right, top: top, bottom: bottom, label: valueLabel)
        for (g, group) in groups.enumerated() {
            let groupStart = left + Double(g) * groupWidth + groupWidth * 0.1
            for (s, series) in series.enumerated() {
                guard g < series.values.count, let value = series.values[g] else { continue }
                let x = groupStart + Double(s) * barWidth
                let y = axis.position(max(value, axis.minimum), from: bottom, to: top)
                out += "<rect class=\"\(barClass)\" x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" "
                    + "width=\"\(Markup.coordinate(max(barWidth - 1, 1)))\" height=\"\(Markup.coordinate(bottom - y))\" "
                    + "fill=\"\(series.colour)\" data-run=\"\(Markup.escape(series.label))\" data-group=\"\(Markup.escape(group))\" "
                    + "data-value=\"\(Markup.score(value, digits: 5))\"><title>\(Markup.escape(series.label)) · "
                    + "\(Markup.escape(group)): \(Markup.score(value, digits: 5))</title></rect>\n"
                if g < series.intervals.count, let interval = series.intervals[g] {
                    let middle = x + (barWidth - 1) / 2
                    let low = axis.position(interval.lowerBound, from: bottom, to: top)
                    let high = axis.position(interval.upperBound, from: bottom, to: top)
                    out += "<path class=\"whisker\" d=\"M\(Markup.coordinate(middle)) \(Markup.coordinate(low))"
                        + "V\(Markup.coordinate(high))M\(Markup.coordinate(middle - 3)) \(Markup.coordinate(low))"
                        + "h6M\(Markup.coordinate(middle - 3)) \(Markup.coordinate(high))h6\"/>\n"
                }
            }
            let centre = left + (Double(g) + 0.5) * groupWidth
            if rotate {
                out += "<text class=\"group\" text-anchor=\"end\" transform=\"translate(\(Markup.coordinate(centre + 4)) "
                    + "\(Markup.coordinate(bottom + 12))) rotate(-35)\">\(Markup.escape(group))</text>\n"
            } else {
                out += "<text class=\"group\" text-anchor=\"middle\" x=\"\(Markup.coordinate(centre))\" "
                    + "y=\"\(Markup.coordinate(bottom + 18))\">\(Markup.escape(group))</text>\n"
            }
        }
        return out + "</svg>"
    }
}

/// One horizontal bar a run, its value printed at the end: the runs' averages side by side.
struct RankedBarChart {
    var id: String
    var entries: [(label: String, colour: String, value: Double)]
    var valueLabel: String
    var barClass: String
    var width = 960.0

    func svg() -> String {
        let rowHeight = 26.0, top = 8.0
        let longest = entries.map(\.label.count).max() ?? 0
        let left = min(12 + Double(longest) * 7, width * 0.4), right = width - 70
        let height = top + Double(entries.count) * rowHeight + 30
        let axis = LinearAxis(covering: 0, max(entries.map(\.value).max() ?? 1, 0.01))
        var out = Markup.svgStart(id: id, width: width, height: height, label: "\(valueLabel) of \(entries.count) runs")
        let bottom = top + Double(entries.count) * rowHeight
        for tick in axis.ticks {
            let x = axis.position(tick, from: left, to: right)
            out += "<line class=\"grid\" x1=\"\(Markup.coordinate(x))\" y1=\"\(Markup.coordinate(top))\" "
                + "x2=\"\(Markup.coordinate(x))\" y2=\"\(Markup.coordinate(bottom))\"/>\n"
                + "<text class=\"tick\" text-anchor=\"middle\" x=\"\(Markup.coordinate(x))\" "
                + "y=\"\(Markup.coordinate(bottom + 16))\">\(axis.label(tick))</text>\n"
        }
        for (i, entry) in entries.enumerated() {
            let y = top + Double(i) * rowHeight + 4
            let end = axis.position(max(entry.value, 0), from: left, to: right)
            out += "<text class=\"label\" text-anchor=\"end\" x=\"\(Markup.coordinate(left - 8))\" "
                + "y=\"\(Markup.coordinate(y + 13))\">\(Markup.escape(entry.label))</text>\n"
                + "<rect class=\"\(barClass)\" x=\"\(Markup.coordinate(left))\" y=\"\(Markup.coordinate(y))\" "
                + "width=\"\(Markup.coordinate(max(end - left, 0)))\" height=\"\(Markup.coordinate(rowHeight - 8))\" "
                + "fill=\"\(entry.colour)\" data-run=\"\(Markup.escape(entry.label))\" data-value=\"\(Markup.score(entry.value, digits: 5))\">"
                + "<title>\(Markup.escape(entry.label)): \(Markup.score(entry.value, digits: 5))</title></rect>\n"
                + "<text class=\"value\" x=\"\(Markup.coordinate(end + 6))\" y=\"\(Markup.coordinate(y + 13))\">"
                + "\(Markup.score(entry.value))</text>\n"
        }
        return out + "</svg>"
    }
}

/// The value axis of vertical charts: grid lines, tick labels and the axis title.
enum ValueAxisMarkup {
    static func horizontalGrid(_ axis: LinearAxis, left: Double, right: Double, top: Double, bottom: Double, label: String) -> String {
        var out = ""
        for tick in axis.ticks {
            let y = axis.position(tick, from: bottom, to: top)
            out += "<line class=\"grid\" x1=\"\(Markup.coordinate(left))\" y1=\"\(Markup.coordinate(y))\" "
                + "x2=\"\(Markup.coordinate(right))\" y2=\"\(Markup.coordinate(y))\"/>\n"
                + "<text class=\"tick\" text-anchor=\"end\" x=\"\(Markup.coordinate(left - 6))\" "
                + "y=\"\(Markup.coordinate(y + 4))\">\(axis.label(tick))</text>\n"
        }
        let middle = (top + bottom) / 2
        out += "<line class=\"axis\" x1=\"\(Markup.coordinate(left))\" y1=\"\(Markup.coordinate(bottom))\" "
            + "x2=\"\(Markup.coordinate(right))\" y2=\"\(Markup.coordinate(bottom))\"/>\n"
            + "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(14 \(Markup.coordinate(middle))) rotate(-90)\">"
            + "\(Markup.escape(label))</text>\n"
        return out
    }
}
