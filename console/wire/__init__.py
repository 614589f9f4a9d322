"""The wire: hosts per API and region, credentials, building requests, the transport,
Retry-After, the Exchange record, API error bodies, 207 multi-status, redaction, curl.

Kept empty of imports: importing a submodule must not pull in httpx or pydantic.
"""
