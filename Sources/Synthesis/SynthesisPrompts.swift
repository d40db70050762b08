import LLM

/// The prompts of the pipeline. The hard-query prompt follows the structure of ReasonIR's
/// released `hq_gen` prompt (a scenario, reasoning, standalone, domain terms, no reference to
/// the document, JSON at the end); the varied-length and hard-negative prompts follow the
/// ReasonIR paper's description, since their prompts were not released. Our own wording.
public enum SynthesisPrompts {
    /// Bumped whenever a prompt's text changes, so that a resumed run never mixes two versions.
    public static let version = 1

    public static let hardQuerySystem = """
        # Task
        You turn a document into one reasoning-intensive question. The question must stand on its \
        own, as a real person would ask it, and the document must be useful evidence for answering \
        it, without the question ever mentioning the document.

        # The question must
        - describe a concrete situation, case or problem in its own words (a scenario);
        - need several steps of reasoning to answer: applying a principle, explaining a cause, \
        weighing options, or predicting an outcome;
        - make sense to someone who has never seen the document;
        - use the ideas and vocabulary of the document's field naturally.

        # The question must not
        - mention "the document", "the passage", "the text", "the study", "the article" or the like;
        - copy sentences or long phrases from the document;
        - be answerable by recalling a single fact, or be a reading-comprehension question.

        # How
        First work out, silently, the document's field, its key concepts, and a practical problem \
        where those concepts decide the answer. Then write the question with its scenario.

        Answer with one JSON object and nothing else: {"hard_query": "<the question with its scenario>"}
        """

    public static func hardQueryUser(document: String) -> String {
        "The document:\n\n<document>\n\(document)\n</document>\n\nWrite the question now."
    }

    public static func variedLengthSystem(queryWords: Int, documentWords: Int) -> String {
        let shape: String
        switch queryWords {
        case ..<20: shape = "a short search query or one-sentence question"
        case ..<120: shape = "a question with a few sentences of context"
        default: shape = "a detailed post: the situation, what is known or was tried, and the question it leads to"
        }
        return """
            # Task
            Write a search query and a document that answers it, on the subject of the seed text below.

            # The query
            - about \(queryWords) words long: \(shape);
            - needs some reasoning to connect to its answer; do not copy the seed text.

            # The document
            - about \(documentWords) words of clear explanatory prose, as a textbook or a good forum answer \
            would give it;
            - answers the query fully, with the reasoning, without repeating the query.

            Answer with one JSON object and nothing else: {"query": "<the query>", "document": "<the document>"}
            """
    }

    public static func variedLengthUser(seed: String) -> String {
        "The seed text:\n\n<seed>\n\(seed)\n</seed>\n\nWrite the query and the document now."
    }

    public static func negativeSystem(minimumWords: Int) -> String {
        """
        # Task
        You write a hard negative for training a search engine: a passage that looks relevant to a \
        query but does not help answer it.

        # The passage must
        - be at least \(minimumWords) words of fluent prose;
        - share the query's topic, setting and key terms, so that it seems to match at first sight;
        - leave out what the answer needs: discuss a neighbouring question, another case, or the \
        background, never the deciding fact or reasoning;
        - be correct and plausible on its own.

        # The passage must not
        - copy sentences from the helpful document shown below, or mention the query or the document.

        Answer with one JSON object and nothing else: {"negative": "<the passage>"}
        """
    }

    public static func negativeUser(query: String, positive: String) -> String {
        "The query:\n\n<query>\n\(query)\n</query>\n\nThe helpful document:\n\n<document>\n\(positive)\n</document>\n\n"
            + "Write the hard negative now."
    }

    /// The JSON shapes each step must answer in, sent as `response_format` when the server
    /// takes it.
    public static let hardQuerySchema = JSONSchema.object(fields: [("hard_query", .string)])
    public static let variedLengthSchema = JSONSchema.object(fields: [("query", .string), ("document", .string)])
    public static let negativeSchema = JSONSchema.object(fields: [("negative", .string)])
}
