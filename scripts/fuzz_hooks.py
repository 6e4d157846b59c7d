"""schemathesis hooks for the fuzz run (scripts/fuzz.ts).

Every signed-in route documents the On-Behalf-Of header (委托), and a made-up value is refused
with 403 before the route is reached. Sent with every request, it would hide the routes behind
it, so it is kept on a small share of them (FUZZ_ON_BEHALF_OF_SHARE, default 5%).
"""
import os
import random

import schemathesis

_SHARE = float(os.environ.get("FUZZ_ON_BEHALF_OF_SHARE", "0.05"))
_RANDOM = random.Random(int(os.environ.get("FUZZ_SEED", "0")))


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers
    if headers and "On-Behalf-Of" in headers and _RANDOM.random() >= _SHARE:
        del headers["On-Behalf-Of"]
