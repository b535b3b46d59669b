"""The embedded store and every question asked of it: layout, build, ingest, query, search."""
