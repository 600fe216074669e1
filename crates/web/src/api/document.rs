//! The OpenAPI 3.1 document of the JSON API: the component schemas and, from the route table
//! in [`super::endpoints`], every operation with its responses — every 4xx and 5xx as an RFC
//! 9457 problem, every success with its `API-Version` header.

use super::{endpoints, API_VERSION};
use serde_json::{json, Value};

/// The component schemas, derived from the types the handlers answer with (`schema.rs`).
fn schemas() -> Value {
    let all: serde_json::Map<String, Value> = super::schema::components().into_iter().map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or(Value::Null))).collect();
    Value::Object(all)
}

/// The OpenAPI 3.1 document of exactly the endpoints in [`endpoints`].
pub fn openapi_document(contact: Option<&super::ApiContact>) -> Value {
    let mut paths = serde_json::Map::new();
    for e in endpoints() {
        let mut responses = serde_json::Map::new();
        for (code, description, schema) in e.responses {
            let mut r = json!({"description": description});
            if (200..400).contains(code) {
                r["headers"] = json!({"API-Version": {"$ref": "#/components/headers/API-Version"}});
            }
            if let Some(name) = schema {
                let media = if *code >= 400 { "application/problem+json" } else { "application/json" };
                r["content"] = json!({media: {"schema": {"$ref": format!("#/components/schemas/{name}")}}});
            } else if *code == 200 {
                r["content"] = json!({"application/json": {"schema": {"type": "object"}}});
            }
            responses.insert(code.to_string(), r);
        }
        let problem = json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
        if e.auth {
            responses.insert("401".into(), json!({"description": "Geen of ongeldig token of sleutel / no or invalid token (WWW-Authenticate: Bearer)", "content": problem.clone()}));
        }
        responses.insert("500".into(), json!({"description": "Fout aan onze kant; instance staat in het logboek / server error", "content": problem.clone()}));
        let mut op = json!({"summary": e.summary, "operationId": format!("{}{}", e.method, e.path.replace(['/', '{', '}', '.'], "_")), "responses": responses});
        if let Some(req) = e.request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{req}")}}}});
            // Every body is read by `body`, which answers these two as what they are.
            let error = problem.clone();
            op["responses"]["413"] = json!({"description": "Te groot (hoogstens 256 kB) / too large", "content": error.clone()});
            op["responses"]["415"] = json!({"description": "Geen JSON / not JSON", "content": error});
        }
        let mut parameters = Vec::new();
        // Every `{name}` in a path is the number of something.
        for name in e.path.split('/').filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}'))) {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}));
        }
        for q in e.query {
            let schema = match q.values {
                Some(values) => serde_json::to_value(values().build()).unwrap_or(Value::Null),
                None => json!({"type": "string", "minLength": 1, "maxLength": 20}),
            };
            parameters.push(json!({"name": q.name, "in": "query", "required": q.required, "description": q.description, "schema": schema}));
        }
        if e.idempotent {
            parameters.push(json!({
                "name": "Idempotency-Key", "in": "header", "required": true,
                "description": "Eén sleutel per signaal: een herhaling met dezelfde sleutel en inhoud slaat niets dubbel op",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"}
            }));
        }
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
        op["security"] = if e.auth { json!([{"bearer": []}]) } else { json!([]) };
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    let mut info = json!({"title": "Eropaf API", "version": API_VERSION, "description": "JSON-API van Eropaf, het werksysteem voor outreachend werken van sociale wijkteams."});
    if let Some(contact) = contact {
        info["contact"] = json!(contact);
    }
    json!({
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas(), "headers": {"API-Version": {
            "description": "De volledige versie van de API / the API's full semantic version (ADR API-57)",
            "required": true, "schema": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"}, "example": API_VERSION
        }}, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Token van `eropaf token create NAME`"}}}
    })
}
