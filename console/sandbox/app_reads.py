"""Placeholder."""
ROUTES = []
