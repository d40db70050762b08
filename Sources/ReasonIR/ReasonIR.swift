@_exported import Retrieval
@_exported import Evaluation
