"""Settings for every test of this repository (tests/ and each plugin's tests/)."""

from __future__ import annotations

from hypothesis import settings

# Hypothesis's default 200 ms deadline per example is a timing threshold: on 2 shared cores a
# busy moment (a browser test's Chromium beside it) fails a property that holds. Properties
# here assert behaviour; the benchmarks under bench/ measure time.
settings.register_profile("oro", deadline=None)
settings.load_profile("oro")
