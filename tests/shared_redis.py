"""The Redis the tests of the shared cache use: the machine's, at 127.0.0.1:6379 (CI starts it;
REDIS_TEST_URL for another), in a database of its own (15), with keys under a prefix of
the test's own, deleted after it. Where it does not answer, the tests using it are deselected
with a printed line (tests/conftest.py), unless REQUIRE_REDIS=1 (CI): then they fail, saying
so."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import pytest
import redis

URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@dataclass
class SharedRedis:
    url: str
    prefix: str  # DJANGO_CACHE_KEY_PREFIX of the test
    client: redis.Redis

    def keys(self, alias: str = "pages") -> list[bytes]:
        return list(self.client.scan_iter(match=f"{self.prefix}:{alias}:*"))

    def forget(self) -> None:
        for key in self.client.scan_iter(match=f"{self.prefix}:*"):
            self.client.delete(key)


def redis_answers() -> bool:
    """Whether the Redis at URL answers a ping within a second."""
    client = redis.Redis.from_url(URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(URL, socket_connect_timeout=5, socket_timeout=10)
    try:
        client.ping()
        error = None
    except redis.RedisError as refused:
        error = refused
    if error is not None:
        pytest.fail(
            f"Redis does not answer at {URL} ({error}): the shared cache's tests need it "
            "(redis-server, started by .ci/run in CI; `redis-cli ping` must say PONG)",
            pytrace=False,
        )
    shared = SharedRedis(URL, f"test-{secrets.token_hex(6)}", client)
    yield shared
    shared.forget()
    client.close()
