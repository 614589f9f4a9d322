"""Sandbox-over-HTTP tests."""
