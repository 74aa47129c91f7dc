"""Integration tests of lanes.store, on every database the fixtures provide."""
