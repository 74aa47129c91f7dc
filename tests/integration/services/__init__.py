"""Integration tests of lanes.services, on every database the fixtures provide."""
