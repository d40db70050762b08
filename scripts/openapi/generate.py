import json
S = lambda **k: k
err_openai = {"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["message","type"],"properties":{"message":{"type":"string"},"type":{"type":"string"},"param":{"type":["string","null"]},"code":{"type":["integer","null"]}}}}}
err_tei = {"type":"object","required":["error","error_type"],"properties":{"error":{"type":"string"},"error_type":{"type":"string"}}}
err_cohere = {"type":"object","required":["message"],"properties":{"message":{"type":"string"}}}
def errors(ref, codes):
    return {str(c): {"$ref": f"#/components/responses/{ref}"} for c, d in codes}
common = [(400,"malformed JSON or a wrong field"),(401,"missing or wrong API key"),(404,"unknown model, index or route"),(413,"body, inputs or tokens past a limit"),(422,"a field out of range or of the wrong type"),(429,"queue full (Retry-After)"),(504,"timed out")]
def op(summary, req, resp, ref="OpenAIError", extra=(), ctype="application/json", opid=None):
    o = {"summary": summary, "operationId": opid, "responses": {"200": {"description": "success", "content": {ctype: {"schema": resp}}}}}
    if req is not None:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": req}}}
    o["responses"].update(errors(ref, common + list(extra)))
    return o
floats = {"type":"array","items":{"type":"number"}}
tokens = {"type":"array","items":{"type":"integer","minimum":0,"maximum":30521,"description":"ids of the served model's vocabulary (MiniLM: 30522)"},"minItems":1}
embreq = {"type":"object","required":["input"],"properties":{
  "input":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1},tokens,{"type":"array","items":tokens,"minItems":1}]},
  "model":{"type":"string"},"encoding_format":{"type":"string","enum":["float","base64"]},"dimensions":{"type":"integer"},"user":{"type":"string"}}}
embresp = {"type":"object","required":["object","data","model","usage"],"properties":{"object":{"const":"list"},
  "data":{"type":"array","items":{"type":"object","required":["object","index","embedding"],"properties":{"object":{"const":"embedding"},"index":{"type":"integer"},"embedding":{"oneOf":[floats,{"type":"string"}]}}}},
  "model":{"type":"string"},"usage":{"type":"object","required":["prompt_tokens","total_tokens"],"properties":{"prompt_tokens":{"type":"integer"},"total_tokens":{"type":"integer"}}}}}
teiembed = {"type":"object","required":["inputs"],"properties":{"inputs":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1}]},"normalize":{"const":True,"description":"vectors are always L2-normalised"},"truncate":{"type":"boolean"},"truncation_direction":{"type":"string","enum":["Right","right"]},"prompt_name":{"type":["string","null"]}}}
teirerank = {"type":"object","required":["query","texts"],"properties":{"query":{"type":"string"},"texts":{"type":"array","items":{"type":"string"},"minItems":1},"raw_scores":{"type":"boolean"},"return_text":{"type":"boolean"},"truncate":{"type":"boolean"}}}
teirerankresp = {"type":"array","items":{"type":"object","required":["index","score"],"properties":{"index":{"type":"integer"},"score":{"type":"number"},"text":{"type":"string"}}}}
cohreq = {"type":"object","required":["query","documents"],"properties":{"model":{"type":"string"},"query":{"type":"string"},
  "documents":{"type":"array","minItems":1,"items":{"oneOf":[{"type":"string"},{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}]}},
  "top_n":{"type":"integer","minimum":1,"maximum":2147483647},"return_documents":{"type":"boolean"}}}
cohresp = {"type":"object","required":["id","results","model"],"properties":{"id":{"type":"string"},"model":{"type":"string","description":"llm:NAME when the LLM scored, embedding:NAME otherwise"},
  "results":{"type":"array","items":{"type":"object","required":["index","relevance_score"],"properties":{"index":{"type":"integer"},"relevance_score":{"type":"number"},"document":{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}}}},
  "meta":{"type":"object"}}}
searchreq = {"type":"object","required":["query"],"properties":{"index":{"type":"string"},"query":{"type":"string"},"k":{"type":"integer","minimum":1,"maximum":1000},"retriever":{"type":"string","enum":["bm25","dense","hybrid"]},"rewrite":{"type":"boolean"},"rerank":{"type":"boolean"}}}
searchresp = {"type":"object","required":["index","query","retriever","results"],"properties":{"index":{"type":"string"},"query":{"type":"string"},"retriever":{"type":"string"},"rewritten_query":{"type":"string"},
  "results":{"type":"array","items":{"type":"object","required":["rank","id","score","text"],"properties":{"rank":{"type":"integer"},"id":{"type":"string"},"score":{"type":"number"},"text":{"type":["string","null"]}}}}}}
docsreq = {"type":"object","required":["documents"],"properties":{"documents":{"type":"array","minItems":1,"items":{"type":"object","required":["id","text"],"properties":{"id":{"type":"string"},"text":{"type":"string"}}}},"mode":{"type":"string","enum":["upsert","add"]}}}
docsresp = {"type":"object","required":["index","documents","written"],"properties":{"index":{"type":"string"},"documents":{"type":"integer"},"written":{"type":"integer"}}}
delreq = {"type":"object","required":["ids"],"properties":{"ids":{"type":"array","minItems":1,"items":{"type":"string"}}}}
delresp = {"type":"object","required":["index","documents","deleted"],"properties":{"index":{"type":"string"},"documents":{"type":"integer"},"deleted":{"type":"integer"}}}
gen_common = {"model":{"type":"string"},"temperature":{"type":"number","minimum":0,"maximum":2},"top_p":{"type":"number","exclusiveMinimum":0,"maximum":1},
  "max_tokens":{"type":"integer","minimum":1},"max_completion_tokens":{"type":"integer","minimum":1},"seed":{"type":"integer"},
  "stop":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]},"n":{"type":"integer","const":1},"stream":{"type":"boolean"},
  "stream_options":{"type":"object","properties":{"include_usage":{"type":"boolean"}}},"response_format":{"type":"object","description":"accepted, not enforced"}}
content = {"oneOf":[{"type":"string"},{"type":"array","items":{"type":"object","required":["text"],"properties":{"type":{"const":"text"},"text":{"type":"string"}}}}]}
chatreq = {"type":"object","required":["messages"],"properties":dict(gen_common, messages={"type":"array","minItems":1,"items":{"type":"object","required":["role","content"],"properties":{"role":{"type":"string","enum":["system","developer","user","assistant"]},"content":content}}})}
compreq = {"type":"object","required":["prompt"],"properties":dict(gen_common, prompt={"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":1}]})}
usage = {"type":"object","required":["prompt_tokens","completion_tokens","total_tokens"],"properties":{"prompt_tokens":{"type":"integer"},"completion_tokens":{"type":"integer"},"total_tokens":{"type":"integer"}}}
chatresp = {"type":"object","required":["id","object","created","model","choices","usage"],"properties":{"id":{"type":"string"},"object":{"const":"chat.completion"},"created":{"type":"integer"},"model":{"type":"string"},
  "choices":{"type":"array","items":{"type":"object","required":["index","message","finish_reason"],"properties":{"index":{"type":"integer"},"message":{"type":"object","required":["role","content"],"properties":{"role":{"const":"assistant"},"content":{"type":"string"}}},"finish_reason":{"type":"string"},"logprobs":{"type":"null"}}}},"usage":usage}}
compresp = {"type":"object","required":["id","object","created","model","choices","usage"],"properties":{"id":{"type":"string"},"object":{"const":"text_completion"},"created":{"type":"integer"},"model":{"type":"string"},
  "choices":{"type":"array","items":{"type":"object","required":["index","text","finish_reason"],"properties":{"index":{"type":"integer"},"text":{"type":"string"},"finish_reason":{"type":"string"},"logprobs":{"type":"null"}}}},"usage":usage}}
health = {"type":"object","required":["status"],"properties":{"status":{"const":"ok"},"embedding_model":{"type":["string","null"]},"llm":{"type":["string","null"]},"indexes":{"type":"array","items":{"type":"object","required":["name","documents"],"properties":{"name":{"type":"string"},"documents":{"type":"integer"}}}}}}
models = {"type":"object","required":["object","data"],"properties":{"object":{"const":"list"},"data":{"type":"array","items":{"type":"object","required":["id","object","created","owned_by"],"properties":{"id":{"type":"string"},"object":{"const":"model"},"created":{"type":"integer"},"owned_by":{"type":"string"},"type":{"type":"string"}}}}}}
name_param = [{"name":"name","in":"path","required":True,"schema":{"type":"string"}}]
def sse(o, schema):
    o["responses"]["200"]["content"]["text/event-stream"] = {"schema":{"type":"string","description":"with stream: true, `data: <chunk JSON>` events, then `data: [DONE]`"}}
    return o
paths = {
 "/health": {"get": {"summary":"Liveness and what is loaded (no API key needed)","operationId":"health","responses":{"200":{"description":"up","content":{"application/json":{"schema":health}}}}}},
 "/v1/models": {"get": op("The served models (OpenAI)", None, models, opid="listModels")},
 "/metrics": {"get": op("Prometheus metrics", None, {"type":"string"}, ctype="text/plain", opid="metrics")},
 "/openapi.json": {"get": op("This document", None, {"type":"object"}, opid="openapi")},
 "/v1/embeddings": {"post": op("Embeddings (OpenAI)", embreq, embresp, opid="createEmbeddings")},
 "/embed": {"post": op("Embeddings (text-embeddings-inference)", teiembed, {"type":"array","items":floats}, ref="TEIError", opid="teiEmbed")},
 "/rerank": {"post": op("Rerank (text-embeddings-inference)", teirerank, teirerankresp, ref="TEIError", opid="teiRerank")},
 "/v1/rerank": {"post": op("Rerank (Cohere, Jina)", cohreq, cohresp, ref="CohereError", opid="rerank")},
 "/v1/search": {"post": op("Search a served index", searchreq, searchresp, opid="search")},
 "/v1/indexes/{name}/documents": {
    "post": dict(op("Add or upsert documents", docsreq, docsresp, extra=[(409,"id already present (mode add)")], opid="addDocuments"), parameters=name_param),
    "delete": dict(op("Delete documents by id", delreq, delresp, opid="deleteDocuments"), parameters=name_param)},
 "/v1/chat/completions": {"post": sse(op("Chat completion from the local engine (OpenAI)", chatreq, chatresp, opid="createChatCompletion"), None)},
 "/v1/completions": {"post": sse(op("Text completion from the local engine (OpenAI)", compreq, compresp, opid="createCompletion"), None)},
}
doc = {"openapi":"3.1.0","info":{"title":"reasonir serve","version":"1.0.0","description":"Embeddings, reranking, search and local generation in the shapes of OpenAI, text-embeddings-inference and Cohere."},
  "servers":[{"url":"/"}],
  "components":{"schemas":{"OpenAIError":err_openai,"TEIError":err_tei,"CohereError":err_cohere},
     "responses":{name:{"description":"an error (400 malformed JSON or a wrong field, 401 API key, 404 unknown model, index or route, 409 id already present, 413 past a limit, 422 a field out of range, 429 queue full with Retry-After)","content":{"application/json":{"schema":{"$ref":f"#/components/schemas/{name}"}}}} for name in ["OpenAIError","TEIError","CohereError"]},
     "securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}}},
  "security":[{"bearer":[]},{}],
  "paths":paths}
def dump(value, depth=0):
    """Pretty to three levels (path, method, operation member), compact below: one line per member."""
    if depth >= 4 or not isinstance(value, dict) or not value:
        return json.dumps(value, separators=(", ", ": "))
    pad = "  " * (depth + 1)
    items = [f"{pad}{json.dumps(k)}: {dump(v, depth + 1)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
text = dump(doc)
assert json.loads(text) == doc
assert '"""#' not in text
open('/work/wt-serve/Sources/Server/OpenAPIDocument.swift','w').write('''/// The OpenAPI 3.1 description of every route (`GET /openapi.json`); ServerTests checks that it
/// lists exactly `ReasonIRServer.routes` and that real answers fit its schemas.
/// Written by scripts/openapi/generate.py: edit that and run it again.
enum OpenAPIDocument {
    static let json = #"""
''' + text + '''
"""#
}
''')
