@_exported import Evaluation
@_exported import Retrieval
