"""The IBPS dialect: the form-rights API of seed 004, mounted at `/ibps`.

Both of the seed's base paths, `/ibps/platform/v3/form/rights` and
`/ibps/business/v3/form/rights`, serve the same routes. Answers and errors are IBPS
envelopes (`envelope.py`); the native API's error format is not touched.
"""

from __future__ import annotations

from lanes.api.ibps import rights
from lanes.api.ibps.envelope import IbpsRoute
from lanes.api.prefix_router import PrefixRouter

__all__ = ["router"]

router = PrefixRouter(roots=("/ibps/",), route_class=IbpsRoute)  # mounted at /ibps (app.py)
router.include_router(rights.router, prefix="/platform/v3/form/rights")
router.include_router(rights.router, prefix="/business/v3/form/rights", include_in_schema=False)
