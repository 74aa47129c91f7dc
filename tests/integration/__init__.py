"""Integration tests: services and store against real databases (SQLite, PostgreSQL)."""
