//! The OpenAPI 3.1 document of the JSON API: the component schemas and, from the route table
//! in [`super::endpoints`], every operation with its responses — every 4xx and 5xx as an RFC
//! 9457 problem, every success with its `API-Version` header.

use super::{endpoints, API_VERSION};
use domain::model::{ContactKind, ContactOutcome, DayPart, PartnerResult, SignalKind, SignalStatus};
use serde_json::{json, Value};

fn schemas() -> Value {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let opt_text = json!({"type": ["string", "null"]});
    let code = json!({"type": "string", "description": "CBS-buurtcode (BU + 8 cijfers); wat een nieuw huishouden als buurt vraagt"});
    json!({
        "Problem": json!({
            "type": "object",
            "description": "Een probleem volgens RFC 9457 (application/problem+json), Nederlands met Engels ernaast / an RFC 9457 problem, Dutch with English beside it",
            "properties": {
                "type": {"type": "string", "format": "uri-reference", "description": "Altijd about:blank: de status zegt wat voor probleem het is"},
                "title": text, "title-en": text,
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": text, "detail-en": text,
                "instance": {"type": "string", "format": "uri", "description": "urn:uuid: van dit ene voorval; bij een serverfout staat het ook in het logboek"},
                "invalid-params": {"type": "array", "description": "Bij ongeldige invoer: elk fout veld tegelijk", "items": s(json!({
                    "name": {"type": "string", "description": "De naam van het veld zoals u het stuurde"},
                    "reason": text, "reason-en": text
                }), &["name", "reason", "reason-en"])}
            },
            "required": ["type", "title", "status", "detail", "instance"]
        }),
        "Me": s(json!({"id": {"type": "integer"}, "username": text, "display_name": text, "role": {"type": "string", "enum": domain::model::Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>()}}), &["id", "username", "display_name", "role"]),
        "HouseholdSearch": json!({"type": "object", "properties": {
            "postcode": {"type": "string", "description": "Bijvoorbeeld 1234 AB", "maxLength": 20},
            "huisnummer": {"type": "string", "description": "Bijvoorbeeld 12a of 12-2", "maxLength": 20},
            "achternaam": {"type": "string", "maxLength": 100},
            "straat": {"type": "string", "maxLength": 100}
        }}),
        "HouseholdList": s(json!({"households": {"type": "array", "items": s(json!({
            "id": {"type": "integer"}, "address": text, "buurt": text, "buurt_code": code, "members": {"type": "array", "items": text}
        }), &["id", "address", "buurt", "buurt_code", "members"])}}), &["households"]),
        "NewHousehold": s(json!({
            "straat": text, "huisnummer": text, "postcode": text, "woonplaats": text,
            "buurt": {"type": "string", "description": "CBS-buurtcode, BU + 8 cijfers, in het werkgebied van het team"},
            "voornamen": text, "tussenvoegsel": text, "achternaam": text,
            "geboortedatum": {"type": "string", "description": "31-12-1960 of 1960-12-31"},
            "bsn": {"type": "string", "description": "Niet verplicht; moet de elfproef doorstaan"},
            "telefoon": text
        }), &["straat", "huisnummer", "postcode", "woonplaats", "buurt", "achternaam", "geboortedatum"]),
        "Created": s(json!({"id": {"type": "integer"}}), &["id"]),
        "NewSignal": json!({"type": "object", "additionalProperties": false, "properties": {
            "soort": {"type": "string", "enum": SignalKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(), "description": "Standaard betalingsachterstand"},
            "signaaldatum": {"type": "string", "description": "2026-11-02 of 02-11-2026"},
            "ontstaansdatum": {"type": "string"},
            "bedrag": {"type": "integer", "minimum": 1, "description": "Hele euro's; verplicht bij een betalingsachterstand"},
            "crisissignaal": {"type": "boolean"},
            "warme_overdracht": {"type": "boolean"},
            "zorg": {"type": "string", "maxLength": 2000, "description": "Waar de zorg over gaat; verplicht als het geen betalingsachterstand is"},
            "eigen_kenmerk": {"type": ["string", "null"], "maxLength": store::signals::REFERENCE_MAX_CHARS, "description": "Niet verplicht: uw eigen dossier- of klantnummer, om het signaal terug te vinden (één regel, geen stuurtekens); alleen uw organisatie ziet het"},
            "vertrouwelijk": {"type": ["string", "null"], "description": "Niet verplicht: vertrouwelijke onderwerpen waar het signaal over gaat, met komma's gescheiden, uit: huiselijk-geweld, psychiatrie, verslaving, justitie. Dan lezen alleen de betrokken werker en de teamleider het signaal."},
            "client": {"type": "object", "additionalProperties": false, "properties": {
                "bsn": text, "voorletters": text, "voornaam": text, "voorvoegsel": text, "achternaam": text,
                "geboortedatum": text, "straatnaam": text, "huisnummer": text, "huisletter": text, "huisnummertoevoeging": text,
                "postcode": text, "plaatsnaam": text, "telefoon": text, "email": text
            }, "required": ["achternaam", "huisnummer", "postcode"]}
        }, "required": ["signaaldatum", "client"]}),
        "SignalReceipt": s(json!({"id": {"type": "integer"}, "status": {"type": "string", "enum": SignalStatus::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()}}), &["id", "status"]),
        "SignalStatus": s(json!({
            "id": {"type": "integer"},
            "signal_date": {"type": "string", "format": "date"},
            "kind": text,
            "status": {"type": "string", "enum": SignalStatus::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
            "result": {"type": ["string", "null"], "enum": PartnerResult::ALL.iter().map(|k| Value::from(k.code())).chain([Value::Null]).collect::<Vec<_>>()},
            "eigen_kenmerk": {"type": ["string", "null"], "description": "Uw eigen kenmerk, zoals u het meegaf"}
        }), &["id", "signal_date", "kind", "status", "result", "eigen_kenmerk"]),
        "NewContactAttempt": json!({"type": "object", "additionalProperties": false, "properties": {
            "household_id": {"type": "integer", "minimum": 1},
            "kind": {"type": "string", "enum": ContactKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
            "at": {"type": "string", "format": "date-time", "description": "RFC 3339; niet in de toekomst"},
            "day_part": {"type": ["string", "null"], "enum": DayPart::ALL.iter().map(|k| Value::from(k.code())).chain([Value::Null]).collect::<Vec<_>>(), "description": "Standaard afgeleid van het tijdstip op de Nederlandse klok (Europe/Amsterdam)"},
            "reached": {"type": "boolean"},
            "outcome": {"type": "string", "enum": ContactOutcome::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(), "description": "Moet bij reached passen"},
            "note": {"type": ["string", "null"], "maxLength": 200},
            "crisis_reason": {"type": ["string", "null"], "maxLength": 500, "description": "Alleen een huisbezoek vóór de weging, bij een crisissignaal: waarom het niet kan wachten (10 tot 500 tekens)"}
        }, "required": ["household_id", "kind", "at", "reached", "outcome"]}),
        "ContactAttemptLogged": s(json!({
            "id": {"type": "integer"},
            "next_proposal": {"oneOf": [{"type": "null"}, s(json!({
                "kind": {"type": "string", "enum": ContactKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
                "day_part": {"type": "string", "enum": DayPart::ALL.iter().map(|k| k.code()).collect::<Vec<_>>()},
                "not_before": {"type": "string", "format": "date"}
            }), &["kind", "day_part", "not_before"])]},
            "case_discussion": {"type": "boolean", "description": "Te vaak mislukt: het huishouden staat op de lijst voor het casusoverleg"}
        }), &["id", "next_proposal", "case_discussion"]),
        "OutOfViewList": {"type": "array", "items": s(json!({
            "household_id": {"type": "integer"},
            "reason": {"type": "string", "enum": ["planned-contact-overdue", "no-contact"]},
            "reason_label": text,
            "days_overdue": {"type": "integer", "minimum": 1},
            "crisis": {"type": "boolean"}
        }), &["household_id", "reason", "reason_label", "days_overdue", "crisis"])},
        "Household": s(json!({
            "id": {"type": "integer"},
            "address": s(json!({"street": text, "house_number": text, "postcode": text, "locality": text, "buurt": text, "buurt_code": code}), &["street", "house_number", "postcode", "locality", "buurt", "buurt_code"]),
            "support": text, "multi_problem": {"type": "boolean"},
            "members": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "name": text, "birth_date": {"type": "string", "format": "date"}, "phone": opt_text, "has_bsn": {"type": "boolean"}}), &["id", "name", "birth_date", "phone", "has_bsn"])},
            "signals": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "kind": text, "status": text, "signal_date": {"type": "string", "format": "date"}, "pickup_deadline": {"type": "string", "format": "date"}, "crisis": {"type": "boolean"}, "partner": opt_text, "amount_eur": {"type": ["integer", "null"]}}), &["id", "kind", "status", "signal_date", "pickup_deadline", "crisis", "partner", "amount_eur"])},
            "contact_attempts": {"type": "array", "items": s(json!({"at": {"type": "string", "format": "date-time"}, "kind": text, "day_part": text, "reached": {"type": "boolean"}, "outcome": {"type": ["string", "null"], "enum": ContactOutcome::ALL.iter().map(|k| Value::from(k.code())).chain([Value::Null]).collect::<Vec<_>>()}}), &["at", "kind", "day_part", "reached", "outcome"])},
            "cases": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "opened": {"type": "string", "format": "date"}, "closed": {"type": ["string", "null"], "format": "date"}, "models": {"type": "array", "items": text}}), &["id", "opened", "closed", "models"])}
        }), &["id", "address", "support", "multi_problem", "members", "signals", "contact_attempts", "cases"])
    })
}

/// The OpenAPI 3.1 document of exactly the endpoints in [`endpoints`].
pub fn openapi_document() -> Value {
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
        responses.insert("500".into(), json!({"description": "Fout aan onze kant; instance staat in het logboek / server error", "content": problem.clone()}));
        let mut op = json!({"summary": e.summary, "operationId": format!("{}{}", e.method, e.path.replace(['/', '{', '}', '.'], "_")), "responses": responses});
        if let Some(req) = e.request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{req}")}}}});
            // Every body is read by `body`, which answers these two as what they are.
            let error = problem.clone();
            op["responses"]["413"] = json!({"description": "Te groot (hoogstens 256 kB) / too large", "content": error.clone()});
            op["responses"]["415"] = json!({"description": "Geen JSON / not JSON", "content": error});
        }
        if e.path.contains("{id}") {
            op["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}]);
        }
        if !e.query.is_empty() {
            op["parameters"] = Value::Array(
                e.query.iter().map(|(name, description)| json!({"name": name, "in": "query", "required": true, "description": description, "schema": {"type": "string", "minLength": 1, "maxLength": 20}})).collect(),
            );
        }
        if e.idempotent {
            op["parameters"] = json!([{
                "name": "Idempotency-Key", "in": "header", "required": true,
                "description": "Eén sleutel per signaal: een herhaling met dezelfde sleutel en inhoud slaat niets dubbel op",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"}
            }]);
        }
        op["security"] = if e.auth { json!([{"bearer": []}]) } else { json!([]) };
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Eropaf API", "version": API_VERSION, "description": "JSON-API van Eropaf, het werksysteem voor outreachend werken van sociale wijkteams."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas(), "headers": {"API-Version": {
            "description": "De volledige versie van de API / the API's full semantic version (ADR API-57)",
            "required": true, "schema": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"}, "example": API_VERSION
        }}, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Token van `eropaf token create NAME`"}}}
    })
}
