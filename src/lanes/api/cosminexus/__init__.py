"""The Cosminexus work-item API dialect (`/csciwws/v1`), XML and JSON both ways.

Imports services and its own modules only; never another dialect.
"""

from lanes.api.cosminexus.router import router

__all__ = ["router"]
