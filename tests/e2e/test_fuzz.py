"""Property-based fuzzing of the whole HTTP API from its OpenAPI schema (schemathesis).

Every operation gets a bounded number of generated requests, valid and invalid;
each response must not be a 5xx and must match the schema (status, content
type, body, headers). The app runs with its lifespan (real Chroma, the real
embedder, the seeds), an API key for writes (sent with every request; the
checks also send requests without it and expect a refusal) and no rate
limit, so requests reach the routes.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.core.config import Settings
from tests.conftest import SEEDS

MAX_EXAMPLES = 30
KEY = "fuzz-key"
FUZZED: dict[str, int] = {}
# schemathesis reads the schema when this module is imported, so the app is made here;
# its components (and its data directory) only come to life in the `running_app` fixture.
DATA_DIR = Path(tempfile.mkdtemp(prefix="qa-fuzz-"))
atexit.register(shutil.rmtree, DATA_DIR, True)  # also when the fixture never runs
APP = create_app(
    Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=DATA_DIR,
        seeds_dir=SEEDS,
        openai_api_key=None,
        openai_base_url=None,
        llm="none",
        rate_limit_per_minute=0,
        api_key=KEY,  # writes need it: schemathesis also checks they fail without it
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    with TestClient(APP):  # runs the lifespan; schemathesis' calls then find the components
        yield
    print(f"\nfuzzed examples per operation: {FUZZED} (total {sum(FUZZED.values())})")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    key = f"{case.method} {case.path}"
    FUZZED[key] = FUZZED.get(key, 0) + 1
    response = case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code < 500


def test_every_operation_of_the_schema_was_fuzzed() -> None:
    """Runs after the fuzzing above (file order): no operation, old or new, escaped it."""
    operations = {
        f"{method.upper()} {path}"
        for path, item in APP.openapi()["paths"].items()
        for method in item
    }
    fuzzed = {operation for operation, examples in FUZZED.items() if examples > 1}
    assert operations <= fuzzed, sorted(operations - fuzzed)
    assert len(operations) >= 14
