import Foundation

/// One query's ranked grades and judgments, and trec_eval's formula for each metric.
///
/// The arithmetic follows trec_eval 9.0.8 operation by operation (same sums in the same order),
/// so values agree with pytrec_eval to the last bit or nearly so.
struct QueryJudgment {
    /// The grade of each retrieved document in rank order; `Evaluator.notJudged` when not in the qrels.
    let grades: [Int]
    /// Documents with a grade of 1 or more.
    let relevantCount: Int
    /// The positive grades of the qrels, best first: the ideal ranking for nDCG.
    let idealGrades: [Int]

    init(grades: [Int], judgments: [String: Int]) {
        self.grades = grades
        var ideal: [Int] = []
        for grade in judgments.values where grade > 0 { ideal.append(grade) }
        ideal.sort(by: >)
        idealGrades = ideal
        relevantCount = ideal.count
    }

    /// Running sums over the ranking: after the first `i` documents, `relevant[i]` relevant ones,
    /// `precisionSum[i]` the sum of precision at each relevant rank, `dcg[i]` the DCG.
    private struct Prefix {
        var relevant: [Int] = [0]
        var precisionSum: [Double] = [0]
        var dcg: [Double] = [0]
        var firstRelevantRank: Int?
    }

    private func prefix() -> Prefix {
        var prefix = Prefix()
        prefix.relevant.reserveCapacity(grades.count + 1)
        prefix.precisionSum.reserveCapacity(grades.count + 1)
        prefix.dcg.reserveCapacity(grades.count + 1)
        var relevant = 0
        var precisionSum = 0.0
        var dcg = 0.0
        for (i, grade) in grades.enumerated() {
            if grade >= 1 {
                relevant += 1
                precisionSum += Double(relevant) / Double(i + 1)
                if prefix.firstRelevantRank == nil { prefix.firstRelevantRank = i + 1 }
            }
            if grade > 0 {
                dcg += Double(grade) / log2(Double(i + 2))
            }
            prefix.relevant.append(relevant)
            prefix.precisionSum.append(precisionSum)
            prefix.dcg.append(dcg)
        }
        return prefix
    }

    func values(of metrics: MetricSet) -> [Double] {
        let prefix = prefix()
        let retrieved = grades.count
        // Ideal DCG after the first i ideal documents, computed as far as the largest nDCG cut-off needs.
        let idealLength = metrics.reduce(0) { longest, metric in
            if case .ndcgCut(let k) = metric { return max(longest, min(k, idealGrades.count)) }
            return longest
        }
        var idealDCG = [0.0]
        idealDCG.reserveCapacity(idealLength + 1)
        for i in 0..<idealLength {
            idealDCG.append(idealDCG[i] + Double(idealGrades[i]) / log2(Double(i + 2)))
        }

        return metrics.map { metric -> Double in
            switch metric {
            case .ndcgCut(let k):
                let dcg = prefix.dcg[min(k, retrieved)]
                let ideal = idealDCG[min(k, idealGrades.count)]
                return ideal > 0 ? dcg / ideal : dcg
            case .mapCut(let k):
                guard relevantCount > 0 else { return 0 }
                return prefix.precisionSum[min(k, retrieved)] / Double(relevantCount)
            case .recall(let k):
                guard relevantCount > 0 else { return 0 }
                return Double(prefix.relevant[min(k, retrieved)]) / Double(relevantCount)
            case .precision(let k):
                return Double(prefix.relevant[min(k, retrieved)]) / Double(k)
            case .reciprocalRank:
                return prefix.firstRelevantRank.map { 1.0 / Double($0) } ?? 0
            case .averagePrecision:
                guard prefix.relevant[retrieved] > 0 else { return 0 }
                return prefix.precisionSum[retrieved] / Double(relevantCount)
            }
        }
    }
}
