/// Text made safe for HTML and SVG, and numbers written the same way in every chart. The page is
/// also well-formed XML (XHTML), so a strict parser reads it as a browser does.
enum Markup {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0.
                if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                   scalar.value < 0x20, scalar != "\t", scalar != "\n" {
                    out += "\u{FFFD}"
                } else {
                    out.append(character)
                }
            }
        }
        return out
    }

    /// A coordinate with at most two decimals, no trailing zeros ("12.5", "40").
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        if hundredths == hundredths.rounded(.towardZero), hundredths.truncatingRemainder(dividingBy: 100) == 0 {
            return String(Int(hundredths / 100))
        }
        var text = String(format: "%.2f", hundredths / 100)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// The opening tag of a chart: an inline SVG of `width` × `height` pixels, labelled for screen readers.
    static func svgStart(id: String, width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(escape(id))\" class=\"chart\" "
            + "width=\"\(coordinate(width))\" height=\"\(coordinate(height))\" "
            + "viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" role=\"img\" aria-label=\"\(escape(label))\">\n"
    }

    /// A score with `digits` decimals, as tooltips and tables print it.
    static func score(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// A score × 100 with one decimal, as BRIGHT's and ReasonIR's tables print nDCG.
    static func hundred(_ value: Double) -> String {
        String(format: "%.1f", value * 100)
    }
}

/// Colours that stay distinct for the common colour-vision deficiencies (Okabe and Ito), one a run.
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]

    static func colour(_ index: Int) -> String { colours[index % colours.count] }
}

/// Human names of pytrec_eval's metrics, as the papers label them.
enum MetricName {
    static func display(_ name: String) -> String {
        let table: [String: String] = ["recip_rank": "MRR", "map": "MAP", "num_q": "queries", "accuracy": "Accuracy"]
        if let named = table[name] { return named }
        let pairs: [(String, String)] = [("ndcg_cut_", "nDCG@"), ("map_cut_", "MAP@"), ("recall_", "Recall@"), ("P_", "P@")]
        for (prefix, label) in pairs where name.hasPrefix(prefix) {
            return label + name.dropFirst(prefix.count)
        }
        return name
    }
}
