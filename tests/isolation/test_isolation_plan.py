"""Which plugins ``[plugins] isolate`` runs in processes of their own."""

from __future__ import annotations

import tomllib
from pathlib import Path

from oro_framework.host.isolation import PROJECT_DISTRIBUTIONS, IsolationPlan

ROOT = Path(__file__).resolve().parents[2]


def test_the_projects_distributions_are_those_of_its_plugins_folder() -> None:
    shipped = {
        tomllib.loads(path.read_text(encoding="utf-8"))["project"]["name"]
        for path in ROOT.glob("plugins/*/pyproject.toml")
        if not path.parent.name.startswith("_")
    }
    assert {"oro-framework", *shipped} == set(PROJECT_DISTRIBUTIONS)


def test_names_distributions_and_third_party_choose_the_isolated_plugins() -> None:
    plan = IsolationPlan(frozenset({"zlib", "oro-clipnotes"}))
    assert plan.isolates("zlib", "oro-zlib")
    assert plan.isolates("clipnotes", "oro-clipnotes")
    assert not plan.isolates("fs", "oro-fs")
    assert not plan.isolates("kv", "oro-kv")
    third = IsolationPlan(third_party=True)
    assert third.isolates("kv", "oro-kv")
    assert not third.isolates("fs", "oro-fs")
    assert not third.isolates("ping", "oro-framework")
    # A plugin handed over by a test, with no distribution, is the test's own code.
    assert not third.isolates("oro_hostile.plugin", None)
    assert not IsolationPlan()
    assert third
