//! The OpenAPI document, as served, describes every request fully enough for a generated
//! client: no request body has an undescribed `object`, every change to a conference
//! requires the version the client last saw (428 without it), and every operation documents
//! 401. Runs on SQLite or PostgreSQL (`CONFER_TEST_DATABASE=postgres`).

mod common;

use common::start;
use serde_json::Value;
use std::collections::BTreeSet;

async fn document() -> Value {
    let app = start().await;
    reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().json().await.unwrap()
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("{r} is not in the document")),
        None => schema,
    }
}

/// Where in a schema an object is left undescribed (no properties and no variants).
fn untyped(doc: &Value, schema: &Value, at: &str, seen: &mut BTreeSet<String>, found: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if seen.insert(r.to_owned()) {
            untyped(doc, resolve(doc, schema), r, seen, found);
        }
        return;
    }
    let is_object = match schema.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    let described =
        ["properties", "oneOf", "allOf", "anyOf", "additionalProperties"].iter().any(|k| schema.get(k).is_some());
    if is_object && !described {
        found.push(at.to_owned());
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            untyped(doc, p, &format!("{at}.{name}"), seen, found);
        }
    }
    if let Some(items) = schema.get("items") {
        untyped(doc, items, &format!("{at}[]"), seen, found);
    }
    for k in ["oneOf", "allOf", "anyOf"] {
        for (i, s) in schema.get(k).and_then(Value::as_array).into_iter().flatten().enumerate() {
            untyped(doc, s, &format!("{at}/{k}{i}"), seen, found);
        }
    }
}

/// Whether the schema (through its references and parts) requires `field`.
fn requires(doc: &Value, schema: &Value, field: &str) -> bool {
    let s = resolve(doc, schema);
    s.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|x| x == field))
        || s.get("allOf").and_then(Value::as_array).is_some_and(|all| all.iter().any(|p| requires(doc, p, field)))
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((path.clone(), method.clone(), op));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_request_body_is_described_with_no_untyped_object() {
    let doc = document().await;
    // The check finds an undescribed object where there is one (a response's free-form result).
    let mut control = Vec::new();
    let changed = serde_json::json!({"$ref": "#/components/schemas/Changed"});
    untyped(&doc, &changed, "Changed", &mut BTreeSet::new(), &mut control);
    assert!(control.iter().any(|at| at.ends_with(".result")), "the check missed Changed.result: {control:?}");
    let mut found = Vec::new();
    let mut bodies = 0;
    for (path, method, op) in operations(&doc) {
        if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
            bodies += 1;
            untyped(&doc, schema, &format!("{method} {path}"), &mut BTreeSet::new(), &mut found);
        } else {
            assert_ne!(method, "post", "{path} takes a body and documents none");
        }
    }
    assert!(bodies >= 38, "only {bodies} request bodies are documented");
    assert!(found.is_empty(), "request bodies with an undescribed object: {found:#?}");
}

#[tokio::test]
async fn every_change_to_a_conference_requires_its_version_and_every_operation_documents_401() {
    let doc = document().await;
    let mut writes = 0;
    for (path, method, op) in operations(&doc) {
        assert!(op.pointer("/responses/401").is_some(), "{method} {path} does not document 401");
        if method == "post" && path.starts_with("/api/v1/conferences/{conference_id}/") {
            writes += 1;
            let schema = op.pointer("/requestBody/content/application~1json/schema").unwrap();
            assert!(requires(&doc, schema, "version"), "{path} does not require the version");
            assert!(op.pointer("/responses/428").is_some(), "{path} does not document 428");
        }
    }
    assert!(writes >= 37, "only {writes} conference writes are documented");
}

/// Every parameter said to be in the path is in the path (a query's fields are not), so a
/// client generated from the document sends each where the server reads it.
#[tokio::test]
async fn every_parameter_is_where_the_server_reads_it() {
    let doc = document().await;
    let mut query = 0;
    for (path, method, op) in operations(&doc) {
        for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            match p["in"].as_str() {
                Some("path") => {
                    assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: {name} is not in the path")
                }
                Some("query") => {
                    query += 1;
                    assert_ne!(p["required"], true, "{method} {path}: the query's {name} is optional");
                }
                other => panic!("{method} {path}: {name} is in {other:?}"),
            }
        }
    }
    assert!(query >= 10, "the lists' query parameters: {query}");
}

/// Issue 13: the family portal's plan as JSON is in the document, read with the portal's
/// session cookie (the family holds no tokens), its answer described field by field.
#[tokio::test]
async fn the_family_portals_plan_is_documented_with_the_portal_session() {
    let doc = document().await;
    let op = &doc["paths"]["/portal/api/v1/plans/{plan_id}"]["get"];
    assert_eq!(op["security"], serde_json::json!([{"portal_session": []}]), "{op}");
    let scheme = &doc["components"]["securitySchemes"]["portal_session"];
    assert_eq!(scheme["type"], "apiKey", "{scheme}");
    assert_eq!(scheme["in"], "cookie", "{scheme}");
    let body = op.pointer("/responses/200/content/application~1json/schema").expect("the answer's schema");
    let json = resolve(&doc, body);
    for field in ["reader", "actions", "next_meeting", "next_review", "withheld", "parental_responsibility"] {
        assert!(json["properties"].get(field).is_some(), "{field} is described: {json}");
    }
}
