"""The web app's API types are generated from the schema the server serves: the committed copy
(frontend/openapi.json, from which frontend/src/api/schema.d.ts is generated) must be that schema,
or the web app compiles against an API that no longer exists."""

from __future__ import annotations

import json

import yaml

from tests.support.processes import ROOT


def test_the_committed_schema_is_the_servers():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator(urlconf="atrium.urls_account").get_schema(request=None, public=True)
    served = json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))
    # `manage spectacular` writes YAML unless told --format openapi-json: either is read here
    committed = yaml.safe_load((ROOT / "frontend" / "openapi.json").read_text())
    assert committed == served, (
        "frontend/openapi.json is stale: run `./dev manage spectacular --urlconf atrium.urls_account "
        "--file frontend/openapi.json` and `./dev npm run gen:api`"
    )
