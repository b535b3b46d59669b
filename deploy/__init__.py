"""Serving a team: several app replicas behind a reverse proxy (deploy/serve.py)."""
