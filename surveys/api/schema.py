"""What the API's schema says beyond the serializers: the error responses every operation can
give, and integer parameters."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.


ERROR = {"$ref": "#/components/schemas/Error"}
PARAMETER_ERRORS = {"$ref": "#/components/schemas/ParameterErrors"}
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "What went wrong, in words.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ParameterErrors": {
        "type": "object",
        "description": "Each refused query parameter, with what was wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "minProperties": 1,
    },
}
NO_NUL = "^[^\\x00]*$"  # Django refuses a NUL character in a query parameter


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    return {**response, "headers": headers} if headers else response


def figure_values() -> list[str]:
    """Every value of the answers' ``figure`` parameter: each figure, system type and part."""
    from surveys.models import SystemType
    from surveys.stats import COUNTED, COVERAGE, FIGURES

    slugs = SystemType.objects.order_by("position").values_list("slug", flat=True)
    return [
        f"{d.name}.{slug}.{part}" for d in FIGURES for slug in slugs for part in (COUNTED, COVERAGE)
    ]


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every API operation's error responses (what
    DRF, the throttle and OpenDataMiddleware answer), the caching headers, and string query
    parameters without NUL."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    string = {"schema": {"type": "string"}}
    for path, item in result["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in item.values():
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                schema = parameter["schema"]
                if parameter["in"] == "query" and parameter["name"] == "figure":
                    schema["enum"] = figure_values()
                free_text = schema.get("type") == "string" and "enum" not in schema
                if parameter["in"] == "query" and free_text:
                    schema.setdefault("pattern", NO_NUL)
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(
                    {
                        "ETag": {**string, "description": "The data version."},
                        "Last-Modified": {**string, "description": "When the data last changed."},
                    }
                )
            if any(p["in"] == "query" for p in parameters):
                responses.setdefault(
                    "400", _json(PARAMETER_ERRORS, "A query parameter was refused.")
                )
            if any(p["in"] == "path" for p in parameters):
                responses.setdefault("404", _json(ERROR, "There is no such object."))
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: the data has not changed since the version "
                    "the client names in If-None-Match (or, without it, If-Modified-Since).",
                    "headers": {"ETag": {**string, "description": "The data version."}},
                },
            )
            responses.setdefault(
                "429",
                _json(
                    ERROR,
                    "Too many requests from this address: wait the seconds Retry-After says.",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
                ),
            )
    return result


# --- Query parameters: what the schema says is accepted, anything else is a 400 ------------

MAX_OFFSET = 2**31 - 1


def integer_param(
    request, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """``?name=N`` as a whole number within bounds; ``None`` when absent; else a 400 naming it."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: ["Give this parameter once."]})
    try:
        number = int(values[0])
    except ValueError:
        raise ValidationError({name: ["Enter a whole number."]}) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
        raise ValidationError({name: [f"Enter a whole number {bounds}."]})
    return number
