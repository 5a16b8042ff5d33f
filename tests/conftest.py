from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "cards"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def shared_path(*parts: str) -> Path:
    """A path in ../shared; skips (or fails under FENJI_REQUIRE_SHARED=1) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"../shared is not beside this checkout ({path} missing)"
        if os.environ.get("FENJI_REQUIRE_SHARED") == "1":
            pytest.fail(message + " and FENJI_REQUIRE_SHARED=1")
        pytest.skip(message)
    return path
