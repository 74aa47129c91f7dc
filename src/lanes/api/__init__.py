"""HTTP: create_app(), typed dependencies, error mapping, and one package per API dialect.

Routers translate between HTTP and lanes.services; no rule lives here.
"""
