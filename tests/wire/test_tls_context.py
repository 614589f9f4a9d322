"""The verifying TLS context is built once per process (loading the CA roots cost ~30 ms
per client) and still follows SSL_CERT_FILE, as httpx's own does."""

from __future__ import annotations

import ssl

import certifi

from console.wire.transport import make_client, verifying_context


def test_clients_share_one_verifying_context_that_follows_ssl_cert_file(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    first = verifying_context()
    assert first is verifying_context()
    assert first.verify_mode is ssl.CERT_REQUIRED and first.check_hostname
    pools = [make_client()._transport._pool for _ in range(2)]  # type: ignore[attr-defined]
    assert pools[0]._ssl_context is pools[1]._ssl_context is first
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert verifying_context() is not first
