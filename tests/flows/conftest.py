"""What every flow test talks through: the demo keys of the session sandbox (reset for
each test by the `sandbox` fixture) and one HTTP client."""

import pytest

from console.wire.credentials import from_env
from console.wire.transport import make_client
from tests.conftest import sandbox_env


@pytest.fixture
def creds(sandbox):
    return from_env(sandbox_env(sandbox))


@pytest.fixture
async def client():
    async with make_client(timeout=10) as c:
        yield c
