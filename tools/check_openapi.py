#!/usr/bin/env python3
"""Checks recorded HTTP exchanges against an OpenAPI 3.1 document.

    check_openapi.py DOCUMENT EXCHANGES.jsonl

The document is validated first (openapi-spec-validator). Each line of EXCHANGES is one answer:
{"method", "path" (with its query), "status", "content_type", "headers" (lower-case names), "body"
(the parsed JSON, or null)}. For each one the checker finds the operation (a literal path before a
templated one), requires the status to be listed explicitly, the media type to be one the response
declares, its required headers present and its documented headers valid, and a JSON body valid
against the schema (JSON Schema 2020-12, `$ref`s resolved in the document). An exchange on a path
the document does not name must be a 404 problem. It also requires every documented operation to
have been exercised. Prints a coverage report; exits 1 on any failure.
"""

import json
import re
import sys

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_document
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:batchscore:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def media_base(content_type):
    return content_type.split(";")[0].strip().lower() if content_type else None


def is_json(media):
    return media is not None and (media == "application/json" or media.endswith("+json"))


class Document:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.root = yaml.safe_load(handle)
        validate_document(self.root)
        # The document is a resource of its own; a schema taken out of it has its local `$ref`s
        # rewritten to point into it (see `validator`), and refs met inside resolve there too.
        resource = Resource.from_contents(self.root, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE, resource)
        self.routes = []
        for template, item in self.root.get("paths", {}).items():
            names = re.findall(r"\{([^}]+)\}", template)
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            self.routes.append((len(names), template, re.compile(pattern), item))
        # Literal paths first, then by fewest parameters.
        self.routes.sort(key=lambda route: route[0])

    def resolve(self, node):
        """Follows a local `$ref` (responses, parameters) to its target."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local references are supported: {ref}")
            target = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def route(self, path):
        for _, template, pattern, item in self.routes:
            if pattern.match(path):
                return template, item
        return None, None

    def validator(self, schema):
        return Draft202012Validator(anchored(schema), registry=self.registry,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)

    def operations(self):
        for template, item in self.root.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    yield method.upper(), template


def anchored(schema):
    """A copy of `schema` whose local `$ref`s name the document."""
    if isinstance(schema, dict):
        return {k: (BASE + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else anchored(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [anchored(v) for v in schema]
    return schema


def header_value(schema, text):
    """A header's text as the JSON value its schema describes."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    return text


def check(document, exchange):
    """The failures of one exchange (empty when it conforms), and the operation it exercised."""
    method = exchange["method"].upper()
    path = exchange["path"].split("?", 1)[0]
    status = int(exchange["status"])
    media = media_base(exchange.get("content_type"))
    body = exchange.get("body")
    headers = {k.lower(): v for k, v in (exchange.get("headers") or {}).items()}
    where = f"{method} {exchange['path']} -> {status}"

    template, item = document.route(path)
    if template is None:
        problem = document.resolve({"$ref": "#/components/schemas/Problem"})
        if status != 404 or media != "application/problem+json":
            return [f"{where}: the path is not in the document (and the answer is not a 404 problem)"], None
        errors = sorted(document.validator(problem).iter_errors(body), key=str)
        return [f"{where}: {e.json_path}: {e.message}" for e in errors], None
    operation = item.get(method.lower())
    if operation is None:
        return [f"{where}: {template} documents no {method}"], None
    responses = operation.get("responses", {})
    if str(status) not in responses:
        return [f"{where}: status {status} is not documented for {method} {template}"], (method, template)
    response = document.resolve(responses[str(status)])
    failures = []

    for name, declared in (response.get("headers") or {}).items():
        declared = document.resolve(declared)
        value = headers.get(name.lower())
        if value is None:
            if declared.get("required"):
                failures.append(f"{where}: the required header {name} is missing")
            continue
        schema = declared.get("schema", {})
        for error in document.validator(schema).iter_errors(header_value(schema, value)):
            failures.append(f"{where}: header {name}: {error.message}")

    content = response.get("content")
    if not content:
        if media is not None and exchange.get("body_bytes", 0) > 0:
            failures.append(f"{where}: the response documents no body, but one came as {media}")
        return failures, (method, template)
    if media not in content:
        failures.append(f"{where}: media type {media} is not one of {sorted(content)}")
        return failures, (method, template)
    schema = (content[media] or {}).get("schema")
    if is_json(media) and schema is not None:
        if body is None:
            if status != 206:  # a range of a JSON file is not JSON
                failures.append(f"{where}: the body is not JSON")
        else:
            for error in sorted(document.validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path)):
                failures.append(f"{where}: {error.json_path}: {error.message}")
    return failures, (method, template)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    document = Document(argv[1])
    failures = []
    seen_operations = {}
    seen_statuses = {}
    count = 0
    with open(argv[2], encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                exchange = json.loads(line)
            except json.JSONDecodeError as error:
                failures.append(f"{argv[2]}:{number}: not JSON: {error}")
                continue
            count += 1
            problems, operation = check(document, exchange)
            failures += problems
            if operation:
                seen_operations[operation] = seen_operations.get(operation, 0) + 1
                seen_statuses.setdefault(operation, set()).add(int(exchange["status"]))

    operations = list(document.operations())
    for method, template in operations:
        statuses = ", ".join(str(s) for s in sorted(seen_statuses.get((method, template), ())))
        mark = "ok  " if (method, template) in seen_operations else "MISS"
        print(f"{mark} {method:6} {template:28} {statuses}")
    missing = [op for op in operations if op not in seen_operations]
    for method, template in missing:
        failures.append(f"{method} {template} was never exercised")
    for failure in failures:
        print("FAIL " + failure)
    print(f"{count} exchanges, {len(operations) - len(missing)} of {len(operations)} operations exercised, "
          f"{len(failures)} failure{'s' if len(failures) != 1 else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
