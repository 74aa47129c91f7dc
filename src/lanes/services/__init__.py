"""Use cases, one transaction each: authorize, load, engine.handle, save events as rows.

Authorization lives here once, so every API dialect gets the same rules. No FastAPI, no
SQL: rows are read and written through lanes.store.
"""
