/// The query instructions ReasonIR uses on BRIGHT, one per task (the task key is put into the
/// StackExchange and pony templates as it is, e.g. "earth_science").
public enum BRIGHTInstructions {
    public static let stackExchangeTasks = ["biology", "earth_science", "economics", "psychology", "robotics",
                                            "stackoverflow", "sustainable_living"]
    public static let tasks = stackExchangeTasks + ["leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems"]

    /// The query instruction for `task`, or `nil` for a name that is not a BRIGHT task.
    public static func query(forTask task: String) -> String? {
        if stackExchangeTasks.contains(task) {
            return "Given a \(task) post, retrieve relevant passages that help answer the post"
        }
        switch task {
        case "pony": return "Given a \(task) question, retrieve relevant passages that help answer the question"
        case "leetcode": return "Given a coding problem, retrieve relevant examples that help answer the problem"
        case "aops", "theoremqa_questions": return "Given a Math problem, retrieve relevant examples that help answer the problem"
        case "theoremqa_theorems": return "Given a Math problem, retrieve relevant theorems that help answer the problem"
        default: return nil
        }
    }
}
