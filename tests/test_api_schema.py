"""The OpenAPI schema says what the API really answers (DESIGN.md section 6)."""

from drf_spectacular.generators import SchemaGenerator

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def test_it_documents_matches_as_a_plain_list_not_a_page():
    operation = SCHEMA["paths"]["/api/v1/feasibility-requests/{id}/matches/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["items"] == {"$ref": "#/components/schemas/Match"}
    assert [p["name"] for p in operation["parameters"]] == ["id"]  # no page, page_size or filters


def test_it_documents_the_errors_of_every_operation():
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
            if method in ("put", "patch", "delete"):
                assert "412" in operation["responses"], (method, path)
    assert SCHEMA["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]
