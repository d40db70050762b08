/// The OpenAPI 3.1 description of every route (`GET /openapi.json`); ServerTests checks that it
/// lists exactly `ReasonIRServer.routes` and that real answers fit its schemas.
/// Written by scripts/openapi/generate.py: edit that and run it again.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "reasonir serve",
    "version": "1.0.0",
    "description": "Embeddings, reranking, search and local generation in the shapes of OpenAI, text-embeddings-inference and Cohere."
  },
  "servers": [{"url": "/"}],
  "components": {
    "schemas": {
      "OpenAIError": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["message", "type"], "properties": {"message": {"type": "string"}, "type": {"type": "string"}, "param": {"type": ["string", "null"]}, "code": {"type": ["integer", "null"]}}}}
      },
      "TEIError": {
        "type": "object",
        "required": ["error", "error_type"],
        "properties": {"error": {"type": "string"}, "error_type": {"type": "string"}}
      },
      "CohereError": {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string"}}
      }
    },
    "responses": {
      "OpenAIError": {
        "description": "an error (400 malformed JSON or a wrong field, 401 API key, 404 unknown model, index or route, 409 id already present, 413 past a limit, 422 a field out of range, 429 queue full with Retry-After)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}}
      },
      "TEIError": {
        "description": "an error (400 malformed JSON or a wrong field, 401 API key, 404 unknown model, index or route, 409 id already present, 413 past a limit, 422 a field out of range, 429 queue full with Retry-After)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TEIError"}}}
      },
      "CohereError": {
        "description": "an error (400 malformed JSON or a wrong field, 401 API key, 404 unknown model, index or route, 409 id already present, 413 past a limit, 422 a field out of range, 429 queue full with Retry-After)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CohereError"}}}
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      }
    }
  },
  "security": [{"bearer": []}, {}],
  "paths": {
    "/health": {
      "get": {
        "summary": "Liveness and what is loaded (no API key needed)",
        "operationId": "health",
        "responses": {"200": {"description": "up", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}, "embedding_model": {"type": ["string", "null"]}, "llm": {"type": ["string", "null"]}, "indexes": {"type": "array", "items": {"type": "object", "required": ["name", "documents"], "properties": {"name": {"type": "string"}, "documents": {"type": "integer"}}}}}}}}}}
      }
    },
    "/v1/models": {
      "get": {
        "summary": "The served models (OpenAI)",
        "operationId": "listModels",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["object", "data"], "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"type": "object", "required": ["id", "object", "created", "owned_by"], "properties": {"id": {"type": "string"}, "object": {"const": "model"}, "created": {"type": "integer"}, "owned_by": {"type": "string"}, "type": {"type": "string"}}}}}}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}}
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics",
        "operationId": "metrics",
        "responses": {"200": {"description": "success", "content": {"text/plain": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}}
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document",
        "operationId": "openapi",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}}
      }
    },
    "/v1/embeddings": {
      "post": {
        "summary": "Embeddings (OpenAI)",
        "operationId": "createEmbeddings",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["object", "data", "model", "usage"], "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"type": "object", "required": ["object", "index", "embedding"], "properties": {"object": {"const": "embedding"}, "index": {"type": "integer"}, "embedding": {"oneOf": [{"type": "array", "items": {"type": "number"}}, {"type": "string"}]}}}}, "model": {"type": "string"}, "usage": {"type": "object", "required": ["prompt_tokens", "total_tokens"], "properties": {"prompt_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"}}}}}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["input"], "properties": {"input": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}, {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 30521, "description": "ids of the served model's vocabulary (MiniLM: 30522)"}, "minItems": 1}, {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 30521, "description": "ids of the served model's vocabulary (MiniLM: 30522)"}, "minItems": 1}, "minItems": 1}]}, "model": {"type": "string"}, "encoding_format": {"type": "string", "enum": ["float", "base64"]}, "dimensions": {"type": "integer"}, "user": {"type": "string"}}}}}}
      }
    },
    "/embed": {
      "post": {
        "summary": "Embeddings (text-embeddings-inference)",
        "operationId": "teiEmbed",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}}}}, "400": {"$ref": "#/components/responses/TEIError"}, "401": {"$ref": "#/components/responses/TEIError"}, "404": {"$ref": "#/components/responses/TEIError"}, "413": {"$ref": "#/components/responses/TEIError"}, "422": {"$ref": "#/components/responses/TEIError"}, "429": {"$ref": "#/components/responses/TEIError"}, "504": {"$ref": "#/components/responses/TEIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["inputs"], "properties": {"inputs": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}, "normalize": {"const": true, "description": "vectors are always L2-normalised"}, "truncate": {"type": "boolean"}, "truncation_direction": {"type": "string", "enum": ["Right", "right"]}, "prompt_name": {"type": ["string", "null"]}}}}}}
      }
    },
    "/rerank": {
      "post": {
        "summary": "Rerank (text-embeddings-inference)",
        "operationId": "teiRerank",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "required": ["index", "score"], "properties": {"index": {"type": "integer"}, "score": {"type": "number"}, "text": {"type": "string"}}}}}}}, "400": {"$ref": "#/components/responses/TEIError"}, "401": {"$ref": "#/components/responses/TEIError"}, "404": {"$ref": "#/components/responses/TEIError"}, "413": {"$ref": "#/components/responses/TEIError"}, "422": {"$ref": "#/components/responses/TEIError"}, "429": {"$ref": "#/components/responses/TEIError"}, "504": {"$ref": "#/components/responses/TEIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["query", "texts"], "properties": {"query": {"type": "string"}, "texts": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "raw_scores": {"type": "boolean"}, "return_text": {"type": "boolean"}, "truncate": {"type": "boolean"}}}}}}
      }
    },
    "/v1/rerank": {
      "post": {
        "summary": "Rerank (Cohere, Jina)",
        "operationId": "rerank",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "results", "model"], "properties": {"id": {"type": "string"}, "model": {"type": "string", "description": "llm:NAME when the LLM scored, embedding:NAME otherwise"}, "results": {"type": "array", "items": {"type": "object", "required": ["index", "relevance_score"], "properties": {"index": {"type": "integer"}, "relevance_score": {"type": "number"}, "document": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}}}}, "meta": {"type": "object"}}}}}}, "400": {"$ref": "#/components/responses/CohereError"}, "401": {"$ref": "#/components/responses/CohereError"}, "404": {"$ref": "#/components/responses/CohereError"}, "413": {"$ref": "#/components/responses/CohereError"}, "422": {"$ref": "#/components/responses/CohereError"}, "429": {"$ref": "#/components/responses/CohereError"}, "504": {"$ref": "#/components/responses/CohereError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["query", "documents"], "properties": {"model": {"type": "string"}, "query": {"type": "string"}, "documents": {"type": "array", "minItems": 1, "items": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}]}}, "top_n": {"type": "integer", "minimum": 1, "maximum": 2147483647}, "return_documents": {"type": "boolean"}}}}}}
      }
    },
    "/v1/search": {
      "post": {
        "summary": "Search a served index",
        "operationId": "search",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["index", "query", "retriever", "results"], "properties": {"index": {"type": "string"}, "query": {"type": "string"}, "retriever": {"type": "string"}, "rewritten_query": {"type": "string"}, "results": {"type": "array", "items": {"type": "object", "required": ["rank", "id", "score", "text"], "properties": {"rank": {"type": "integer"}, "id": {"type": "string"}, "score": {"type": "number"}, "text": {"type": ["string", "null"]}}}}}}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["query"], "properties": {"index": {"type": "string"}, "query": {"type": "string"}, "k": {"type": "integer", "minimum": 1, "maximum": 1000}, "retriever": {"type": "string", "enum": ["bm25", "dense", "hybrid"]}, "rewrite": {"type": "boolean"}, "rerank": {"type": "boolean"}}}}}}
      }
    },
    "/v1/indexes/{name}/documents": {
      "post": {
        "summary": "Add or upsert documents",
        "operationId": "addDocuments",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["index", "documents", "written"], "properties": {"index": {"type": "string"}, "documents": {"type": "integer"}, "written": {"type": "integer"}}}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}, "409": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["documents"], "properties": {"documents": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["id", "text"], "properties": {"id": {"type": "string"}, "text": {"type": "string"}}}}, "mode": {"type": "string", "enum": ["upsert", "add"]}}}}}},
        "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}]
      },
      "delete": {
        "summary": "Delete documents by id",
        "operationId": "deleteDocuments",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["index", "documents", "deleted"], "properties": {"index": {"type": "string"}, "documents": {"type": "integer"}, "deleted": {"type": "integer"}}}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["ids"], "properties": {"ids": {"type": "array", "minItems": 1, "items": {"type": "string"}}}}}}},
        "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}]
      }
    },
    "/v1/chat/completions": {
      "post": {
        "summary": "Chat completion from the local engine (OpenAI)",
        "operationId": "createChatCompletion",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "object", "created", "model", "choices", "usage"], "properties": {"id": {"type": "string"}, "object": {"const": "chat.completion"}, "created": {"type": "integer"}, "model": {"type": "string"}, "choices": {"type": "array", "items": {"type": "object", "required": ["index", "message", "finish_reason"], "properties": {"index": {"type": "integer"}, "message": {"type": "object", "required": ["role", "content"], "properties": {"role": {"const": "assistant"}, "content": {"type": "string"}}}, "finish_reason": {"type": "string"}, "logprobs": {"type": "null"}}}}, "usage": {"type": "object", "required": ["prompt_tokens", "completion_tokens", "total_tokens"], "properties": {"prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"}}}}}}, "text/event-stream": {"schema": {"type": "string", "description": "with stream: true, `data: <chunk JSON>` events, then `data: [DONE]`"}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["messages"], "properties": {"model": {"type": "string"}, "temperature": {"type": "number", "minimum": 0, "maximum": 2}, "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}, "max_tokens": {"type": "integer", "minimum": 1}, "max_completion_tokens": {"type": "integer", "minimum": 1}, "seed": {"type": "integer"}, "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, "n": {"type": "integer", "const": 1}, "stream": {"type": "boolean"}, "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}}, "response_format": {"type": "object", "description": "accepted, not enforced"}, "messages": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role", "content"], "properties": {"role": {"type": "string", "enum": ["system", "developer", "user", "assistant"]}, "content": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object", "required": ["text"], "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}}]}}}}}}}}}
      }
    },
    "/v1/completions": {
      "post": {
        "summary": "Text completion from the local engine (OpenAI)",
        "operationId": "createCompletion",
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "object", "created", "model", "choices", "usage"], "properties": {"id": {"type": "string"}, "object": {"const": "text_completion"}, "created": {"type": "integer"}, "model": {"type": "string"}, "choices": {"type": "array", "items": {"type": "object", "required": ["index", "text", "finish_reason"], "properties": {"index": {"type": "integer"}, "text": {"type": "string"}, "finish_reason": {"type": "string"}, "logprobs": {"type": "null"}}}}, "usage": {"type": "object", "required": ["prompt_tokens", "completion_tokens", "total_tokens"], "properties": {"prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"}}}}}}, "text/event-stream": {"schema": {"type": "string", "description": "with stream: true, `data: <chunk JSON>` events, then `data: [DONE]`"}}}}, "400": {"$ref": "#/components/responses/OpenAIError"}, "401": {"$ref": "#/components/responses/OpenAIError"}, "404": {"$ref": "#/components/responses/OpenAIError"}, "413": {"$ref": "#/components/responses/OpenAIError"}, "422": {"$ref": "#/components/responses/OpenAIError"}, "429": {"$ref": "#/components/responses/OpenAIError"}, "504": {"$ref": "#/components/responses/OpenAIError"}},
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["prompt"], "properties": {"model": {"type": "string"}, "temperature": {"type": "number", "minimum": 0, "maximum": 2}, "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}, "max_tokens": {"type": "integer", "minimum": 1}, "max_completion_tokens": {"type": "integer", "minimum": 1}, "seed": {"type": "integer"}, "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, "n": {"type": "integer", "const": 1}, "stream": {"type": "boolean"}, "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}}, "response_format": {"type": "object", "description": "accepted, not enforced"}, "prompt": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 1}]}}}}}}
      }
    }
  }
}
"""#
}
