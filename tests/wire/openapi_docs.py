"""Customer.io's OpenAPI documents, read at test time, for checking the wire.

The documents are never copied into the project: they are found beside the repository
(CI clones it next to a `shared/` folder) or in /work/shared, and the tests that need
them are skipped when neither exists.

What is checked is JSON bodies, against the documents' own schemas, with two
adjustments that are not defects (the App document is OpenAPI 3.0: `nullable` is read
as JSON Schema's "or null"; Pipelines' paths are under the server's `/v1`) and the
KNOWN_DEFECTS below worked around, each where it is met and no further.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (REPO.parent / "shared" / "reference" / "openapi", Path("/work/shared/reference/openapi"))
FILES = {"track": "track-api.json", "app": "app-api.json", "cdp": "pipelines-api.json"}
MESSAGE_TYPES = ["email", "webhook", "twilio", "slack", "push"]

# Each defect of the documents that a check here meets: where, what is wrong, and how
# the check works around it. A defect not listed is not worked around.
KNOWN_DEFECTS: dict[str, str] = {
    "oneOf-overlap": (
        "Several schemas use oneOf where the branches overlap, so a valid body matches more "
        "than one and oneOf fails: Track merge_customers (the primary/secondary branches have "
        'no `required`, every merge matches all three), App sendEmail ("with template" and '
        '"without template" overlap when a template send overrides from/subject/body), '
        "Pipelines identify, page and screen with both userId and anonymousId (two branches), "
        'any Pipelines `context` (both "Mobile" and "Non-mobile"), so also batch items. '
        "Worked around: oneOf is read as anyOf."
    ),
    "pipelines-group-no-required": (
        "Pipelines /group: no branch has `required`, so under oneOf every call fails (each "
        'matches both "Known User" and "Anonymous User"). Covered by reading oneOf as '
        "anyOf; the console's own check requires groupId and a userId or anonymousId."
    ),
    "message-type-enum": (
        "App messages and deliveries (`/v1/messages/{id}`, `/v1/customers/{id}/messages`): "
        "the `type` enum is email, webhook, twilio, slack, push, without in_app and "
        "inbox_message, which the same API sends (`/v1/send/in_app`, `/v1/send/inbox_message`). "
        "Worked around: those two are added to that enum. (SMS is `twilio` there, and the "
        "sandbox says so.)"
    ),
    "push-to-required": (
        "App /v1/send/push: `to` is listed as required in a block shared with email, while the "
        'push schema gives it a default of "all": leaving it out is right. Worked around: '
        "`to` is dropped from the push request's `required`."
    ),
    "track-path-identifier": (
        "Track: every path `identifier` parameter fails (its oneOf branches overlap, so any "
        "string matches more than one). Only bodies are validated here; path segments are "
        "checked by the console's own tests (percent-encoding)."
    ),
    "track-attribute-values": (
        "Track PUT /api/v1/customers/{identifier}: attribute values are string, integer or "
        "boolean only, while the same document says of object and relationship attributes "
        '"pass null or an empty string to remove an attribute", and numbers such as 29.99 '
        "are attributes in every official client. Worked around: null and numbers are "
        "accepted as identify attribute values."
    ),
    "pipelines-type-readonly": (
        "Pipelines: `common_fields` (part of every call) marks `type` readOnly, while /track "
        "requires it and identify, page, screen and group list it as a plain property of "
        "their own. Worked around: a key counts as readOnly (not to be sent) only where "
        "the call's schema never lists it as writable; on alias it is readOnly only, so "
        "the console sends no `type` there."
    ),
    "pipelines-base-path": (
        "Pipelines: the paths are given without the server's base path `/v1` (Prism ignores "
        "it). Worked around: `/v1` is put in front of each path."
    ),
    "pipelines-errors-unattached": (
        "Pipelines: the 400 answer's schema ({meta: {errors: [string]}}) is defined in "
        "components/responses but no path refers to it: every path lists only 200, whose "
        'description says "an empty object" with no schema. Worked around: a Pipelines '
        "400 is checked against components/responses/400, and a 200 must be {}."
    ),
    "undocumented-send-channels": (
        "App /v1/send/in_app and /v1/send/inbox_message, which the console and the sandbox "
        "serve (App API reference, transactional sends), are not in the App document: their requests and responses "
        "cannot be checked against it."
    ),
}


@cache
def docs_dir() -> Path | None:
    for candidate in CANDIDATES:
        if all((candidate / name).is_file() for name in FILES.values()):
            return candidate
    return None


def require_docs() -> Path:
    found = docs_dir()
    if found is None:
        pytest.skip("Customer.io's OpenAPI documents are not beside the repository (../shared) nor in /work/shared")
    return found


def _openapi30_to_json_schema(node: Any) -> Any:
    """`nullable: true` (OpenAPI 3.0) becomes "or null"; oneOf is read as anyOf."""
    if isinstance(node, list):
        return [_openapi30_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi30_to_json_schema(v) for k, v in node.items()}
    if "oneOf" in out:  # KNOWN_DEFECTS["oneOf-overlap"]
        out["anyOf"] = out.pop("oneOf")
    if out.pop("nullable", False) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out and "enum" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    if out.get("enum") == MESSAGE_TYPES:  # KNOWN_DEFECTS["message-type-enum"]
        out["enum"] = [*MESSAGE_TYPES, "in_app", "inbox_message"]
    return out


@cache
def document(api: str) -> dict[str, Any]:
    raw = json.loads((require_docs() / FILES[api]).read_text(encoding="utf-8"))
    doc = _openapi30_to_json_schema(raw)
    if api == "cdp":  # KNOWN_DEFECTS["pipelines-base-path"]
        doc["paths"] = {"/v1" + path: item for path, item in doc["paths"].items()}
    if api == "track":  # KNOWN_DEFECTS["track-attribute-values"]
        values = doc["paths"]["/api/v1/customers/{identifier}"]["put"]["requestBody"]["content"]["application/json"][
            "schema"
        ]["additionalProperties"]
        values["anyOf"] = [*values["anyOf"], {"type": "number"}, {"type": "null"}]
    if api == "app":  # KNOWN_DEFECTS["push-to-required"]
        _drop_required(doc["paths"]["/v1/send/push"]["post"]["requestBody"], "to")
    return doc


def _drop_required(node: Any, name: str) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("required"), list) and name in node["required"]:
            node["required"] = [r for r in node["required"] if r != name]
        for value in node.values():
            _drop_required(value, name)
    elif isinstance(node, list):
        for value in node:
            _drop_required(value, name)


@dataclass(frozen=True)
class Operation:
    api: str
    method: str
    template: str  # the document's path, e.g. /v1/customers/{customer_id}/attributes

    def pointer(self, *parts: str) -> str:
        escaped = [p.replace("~", "~0").replace("/", "~1") for p in ("paths", self.template, self.method, *parts)]
        return "#/" + "/".join(escaped)


def operation(api: str, method: str, path: str) -> Operation | None:
    """The document's operation for a concrete path (without the sandbox's prefix)."""
    segments = urlsplit(path).path.strip("/").split("/")
    for template, item in document(api)["paths"].items():
        parts = template.strip("/").split("/")
        if (
            len(parts) == len(segments)
            and method.lower() in item
            and all(p == s or (p.startswith("{") and p.endswith("}")) for p, s in zip(parts, segments, strict=True))
        ):
            return Operation(api, method.lower(), template)
    return None


@cache
def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (f"urn:cio:{api}", Resource(contents=document(api), specification=DRAFT202012)) for api in FILES
    )


def _node(api: str, pointer: str) -> Any:
    node: Any = document(api)
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def problems(op: Operation, pointer: str, value: Any) -> list[str]:
    """Why `value` does not match the schema at `pointer` (a '#/paths/...' pointer)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator({"$ref": f"urn:cio:{op.api}{pointer}"}, registry=_registry())
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}" for e in validator.iter_errors(value)
    ]


def response_schema(op: Operation, status: int) -> str | None:
    """The pointer to the JSON schema the document gives this status, or None."""
    responses = _node(op.api, op.pointer("responses"))
    key = str(status) if str(status) in responses else ("default" if "default" in responses else None)
    if key is None and op.api == "cdp" and str(status) in document("cdp")["components"]["responses"]:
        # KNOWN_DEFECTS["pipelines-errors-unattached"]
        return (
            f"#/components/responses/{status}/content/application~1json/schema"
            if "content" in document("cdp")["components"]["responses"][str(status)]
            else None
        )
    if key is None:
        return None
    response = responses[key]
    if "$ref" in response:  # a shared response (Track, Pipelines)
        pointer = response["$ref"]
        response = _node(op.api, pointer)
        base = pointer
    else:
        base = op.pointer("responses", key)
    if "application/json" not in response.get("content", {}):
        return None
    return f"{base}/content/application~1json/schema"


def read_only_keys(op: Operation, pointer: str) -> set[str]:
    """Top-level body keys the schema marks readOnly wherever it lists them: a request
    must not send them (OpenAPI: readOnly properties are for answers only). A key that
    some branch lists as writable is not one (KNOWN_DEFECTS["pipelines-type-readonly"])."""
    found: set[str] = set()
    writable: set[str] = set()

    def walk(node: Any, depth: int) -> None:
        if depth > 20 or not isinstance(node, dict):
            return
        if "$ref" in node and node["$ref"].startswith("#/"):
            walk(_node(op.api, node["$ref"]), depth + 1)
        for name, prop in (node.get("properties") or {}).items():
            target = _node(op.api, prop["$ref"]) if isinstance(prop, dict) and "$ref" in prop else prop
            if isinstance(target, dict) and target.get("readOnly") is True:
                found.add(name)
            else:
                writable.add(name)
        for key in ("allOf", "anyOf", "oneOf"):
            for branch in node.get(key) or []:
                walk(branch, depth + 1)

    walk(_node(op.api, pointer), 0)
    return found - writable


def request_schema(op: Operation) -> str | None:
    item = _node(op.api, op.pointer())
    body = item.get("requestBody")
    if not body or "application/json" not in body.get("content", {}):
        return None
    return op.pointer("requestBody", "content", "application/json", "schema")
