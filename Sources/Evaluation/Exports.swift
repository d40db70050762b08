@_exported import Retrieval
