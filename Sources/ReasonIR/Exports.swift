@_exported import Evaluation
@_exported import LLM
@_exported import Reasoning
@_exported import Retrieval
@_exported import Synthesis
@_exported import enum Tensor.ComputePrecision
@_exported import enum Models.BRIGHTInstructions
@_exported import enum Models.EmbeddingKind
@_exported import protocol Models.Embedder
