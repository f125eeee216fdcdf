"""How much of Oro's own JavaScript test suite passes on oro (issue 44), suite by suite.

Oro's ``test/`` folder is taken unchanged from a checkout of socketsupply/socket (a git
directory: ``--mirror``), with its ``socket.ini``, which oro reads as it is. Each suite that
``test/src/index.js`` imports runs alone, as ``oro test <app> build/<suite>.js``: its own copy of
the app, its own host with every installed plugin, its own headless Chromium page, its own
``TMPDIR`` holding the fixtures Oro's ``test/scripts/test-desktop.js`` copies there, the
repository's ``@socketsupply/socket-node`` workspace linked where its root ``npm install`` puts
it (the app's backend imports it), and a timeout, so that a suite that hangs or crashes hides
none of the others. The TAP it prints is counted (``ok``/``not ok`` lines); what the page
reported (a module answered 404, an export a module does not provide) names what is missing.

A last page imports every module of Oro's ``api/`` under ``socket:`` and lists its exports,
compared with the exports Oro's sources declare.

The app's ``[build.extensions]`` (C++ sources, which oro does not compile) are Python plugins of
the same names here: the ports in ``scripts/oro_coverage_extensions/`` are installed into a
folder of the run (``uv pip install --target``, as a user installs a plugin) that every suite
has on its ``PYTHONPATH``; the unchanged ``socket.ini`` makes them the app's extensions.

With ``--webview system`` or ``--webview qt`` each suite runs in the app's real window of that
engine (``oro test --window``: WebKitGTK or QtWebEngine, one process per suite) instead of
headless Chromium, so the engine users get is the one measured.

Run (about 3 min on 2 cores; ``--jobs`` suites at a time)::

    PYTHONPATH=... .venv/bin/python scripts/oro_coverage.py --json before.json
    .venv/bin/python scripts/oro_coverage.py --suite fs --suite dgram -v

Not part of the test suite: it measures, it does not gate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling, run as a file or loaded
from oro_coverage_tap import Suite, parse_tap

DEFAULT_MIRROR: Final = Path("/work/.mirror/socketsupply+socket/repo")
EXTENSION_PORTS: Final = Path(__file__).resolve().with_name("oro_coverage_extensions")
"""Python ports of Oro's test extensions (test/src/extensions/*.cc): see its README."""
CORE: Final = ("fs", "dgram", "dns", "ipc")
"""The suites issue 44 holds to a higher bar."""
PROBE: Final = "__oro_coverage_exports__.js"
PROBE_MARK: Final = "ORO_COVERAGE_EXPORTS "

_IMPORT: Final = re.compile(r"""^\s*import\s+['"]\./([\w\-/]+)\.js['"]""", re.M)
_SPECIFIER: Final = re.compile(r"""['"`]socket:(\w[\w\-/.]*?)(?:\.js)?['"`]""")
_RELATIVE_IMPORT: Final = re.compile(
    r"""(?:^\s*import\s|\bfrom\s)\s*['"](\.{1,2}/[^'"]+)['"]""", re.M
)
_ASSERTION_CALL: Final = re.compile(
    r"\bt\.(ok|notOk|equal|notEqual|deepEqual|notDeepEqual|equals|same|throws|doesNotThrow|"
    r"fail|pass|is|isNot|strictEqual|looseEqual|rejects|assert|ifError|error|match|throwsAsync)\s*\("
)


# Oro's sources --------------------------------------------------------------------------------


def git_show(mirror: Path, rev: str, path: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(mirror), "show", f"{rev}:{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def oro_modules(mirror: Path, rev: str) -> list[str]:
    """Oro's public modules: each ``api/<name>.js`` (its ``index.js`` is ``socket:index``)."""
    listing = subprocess.run(
        ["git", "-C", str(mirror), "ls-tree", "--name-only", rev, "api/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(
        path.removeprefix("api/").removesuffix(".js")
        for path in listing
        if path.endswith(".js") and not path.endswith(".d.ts")
    )


_EXPORT_DECL: Final = re.compile(
    r"^export\s+(?:async\s+)?(?:const|let|var|function\*?|class)\s+([\w$]+)", re.M
)
_EXPORT_LIST: Final = re.compile(r"^export\s*\{([^}]*)\}(?:\s*from\s*['\"]([^'\"]+)['\"])?", re.M)
_EXPORT_STAR: Final = re.compile(
    r"^export\s*\*\s*(?:as\s+([\w$]+)\s+)?from\s*['\"]([^'\"]+)['\"]", re.M
)
_EXPORT_DEFAULT: Final = re.compile(r"^export\s+default\b", re.M)


def declared_exports(
    mirror: Path, rev: str, path: str, seen: frozenset[str] = frozenset()
) -> set[str]:
    """The names an Oro module exports, read from its source (``export * from`` followed
    inside ``api/``)."""
    source = git_show(mirror, rev, path)
    if source is None or path in seen:
        return set()
    names = set(_EXPORT_DECL.findall(source))
    if _EXPORT_DEFAULT.search(source):
        names.add("default")
    for listed, _ in _EXPORT_LIST.findall(source):
        for item in listed.split(","):
            item = re.sub(r"/\*.*?\*/|//.*", "", item).strip()
            if item:
                names.add(item.split(" as ")[-1].strip())
    for alias, target in _EXPORT_STAR.findall(source):
        if alias:
            names.add(alias)
        elif target.startswith("."):
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
            names |= declared_exports(mirror, rev, resolved, seen | {path}) - {"default"}
    return names


def test_specifiers(app: Path) -> list[str]:
    """Every ``socket:<x>`` the test sources name."""
    found: set[str] = set()
    for path in (app / "src").rglob("*.js"):
        found.update(_SPECIFIER.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found)


# Running ------------------------------------------------------------------------------------


SOCKET_NODE: Final = "npm/packages/@socketsupply/socket-node"
"""The npm workspace of Oro's repository that its test app's backend imports
(``test/src/backend/backend.js``): the repository's root ``npm install`` (what its CI runs before
``npm test``) links it as ``node_modules/@socketsupply/socket-node``, where Node finds it from
the built app below."""


def extract(mirror: Path, rev: str, into: Path) -> Path:
    """Oro's ``test/`` folder at ``rev``, unchanged, under ``into``, with the workspace package
    its backend imports (:data:`SOCKET_NODE`)."""
    into.mkdir(parents=True, exist_ok=True)
    listed = subprocess.run(
        ["git", "-C", str(mirror), "ls-tree", "--name-only", rev, SOCKET_NODE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    paths = ["test", *([SOCKET_NODE] if listed.strip() else [])]
    archive = subprocess.run(
        ["git", "-C", str(mirror), "archive", rev, *paths], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "test"


def suites_of(app: Path) -> list[str]:
    return _IMPORT.findall((app / "src" / "index.js").read_text(encoding="utf-8"))


def run_suite(
    name: str,
    pristine: Path,
    work: Path,
    timeout: float,
    env: dict[str, str],
    reuse: bool,
    webview: str | None = None,
) -> Suite:
    """``oro test`` of one suite in a copy of the app of its own; with ``reuse``, what an
    earlier run in ``work`` printed, when there is one."""
    out, err, clock = (work / f"{name}.{kind}" for kind in ("out", "err", "seconds"))
    if reuse and out.is_file() and err.is_file():
        stdout, stderr = out.read_text(), err.read_text()
        seconds = float(clock.read_text()) if clock.is_file() else 0.0
    else:
        stdout, stderr, seconds = _run_oro_test(name, pristine, work, timeout, env, webview)
        out.write_text(stdout)
        err.write_text(stderr)
        clock.write_text(f"{seconds}\n")
    suite = parse_tap(name, stdout, stderr)
    suite.seconds = seconds
    suite.assertion_calls = sum(
        len(_ASSERTION_CALL.findall(path.read_text(encoding="utf-8", errors="replace")))
        for path in suite_sources(pristine / "src", name)
    )
    return suite


def suite_sources(src: Path, name: str) -> list[Path]:
    """The files of a suite: ``<name>.js``, what it imports relatively (``./extensions/x.js``),
    and the folder of its own (``fs/``)."""
    found: dict[Path, None] = {}
    pending = [src / f"{name}.js", *sorted((src / name).rglob("*.js"))]
    while pending:
        path = pending.pop().resolve()
        if path in found or not path.is_file() or not path.is_relative_to(src.resolve()):
            continue
        found[path] = None
        text = path.read_text(encoding="utf-8", errors="replace")
        pending += [path.parent / target for target in _RELATIVE_IMPORT.findall(text)]
    return list(found)


def _run_oro_test(
    name: str, pristine: Path, work: Path, timeout: float, env: dict[str, str], webview: str | None
) -> tuple[str, str, float]:
    app = work / name / "test"
    shutil.rmtree(work / name, ignore_errors=True)
    shutil.copytree(pristine, app, symlinks=True)
    tmp = work / name / "tmp"
    # What Oro's test/scripts/test-desktop.js does before `ssc build -r --test`.
    shutil.copytree(pristine / "fixtures", tmp / "ssc-socket-test-fixtures", symlinks=True)
    # What the repository's root `npm install` does for its workspace (a link, as npm makes).
    linked = work / name / "node_modules" / SOCKET_NODE.removeprefix("npm/packages/")
    linked.parent.mkdir(parents=True)
    linked.symlink_to(pristine.parent / SOCKET_NODE, target_is_directory=True)
    env = {**env, "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)}
    command = [
        sys.executable, "-m", "oro_framework.cli", "test", str(app),
        str(app / "build" / f"{name}.js"), "--timeout", f"{timeout:g}",
    ]  # fmt: skip
    if webview is not None:
        # The engine users get: the app's real window of that engine, the page reporting its TAP.
        command += ["--window", "--webview", webview]
    started = time.monotonic()
    try:
        # `oro test --timeout` bounds the start and the run each: twice it, plus the host's start.
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=app, timeout=2 * timeout + 30
        )
        stdout, stderr = done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        stdout = _text(expired.stdout)
        stderr = _text(expired.stderr) + "\nerror: timed out (killed)"
    return stdout, stderr, round(time.monotonic() - started, 1)


def install_extensions(site: Path) -> dict[str, str]:
    """Install the ports of Oro's test extensions into ``site``, as a user installs a plugin
    (``uv pip install``, no network: the build backend is this environment's hatchling), and
    return the environment additions that put them on the path."""
    shutil.rmtree(site, ignore_errors=True)
    uv = Path(sys.executable).with_name("uv")
    for port in sorted(path for path in EXTENSION_PORTS.iterdir() if path.is_dir()):
        subprocess.run(
            [
                str(uv), "pip", "install", "--quiet", "--offline", "--no-deps",
                "--no-build-isolation", "--python", sys.executable, "--target", str(site),
                str(port),
            ],
            check=True,
        )  # fmt: skip
    path = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": os.pathsep.join(part for part in (str(site), path) if part)}


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


PROBE_SOURCE: Final = """// oro_coverage.py: the exports of each module, as this page sees them.
import test from 'socket:test'
const names = %s
const found = {}
for (const name of names) {
  try {
    const module = await import('socket:' + name)
    found[name] = Object.keys(module).concat('default' in module ? ['default'] : [])
  } catch (error) {
    found[name] = { error: String(error && error.message || error) }
  }
}
console.log(%s + JSON.stringify(found))
test('exports probe', (t) => { t.ok(true) })
"""


def probe_exports(
    names: list[str], pristine: Path, work: Path, timeout: float, env: dict[str, str]
) -> dict[str, Any]:
    """What oro's page gets importing ``socket:<name>``: export names, or the error."""
    app = work / "__probe__" / "test"
    shutil.rmtree(app.parent, ignore_errors=True)
    shutil.copytree(pristine, app, symlinks=True)
    (app / "src" / PROBE).write_text(
        PROBE_SOURCE % (json.dumps(names), json.dumps(PROBE_MARK)), encoding="utf-8"
    )
    command = [
        sys.executable, "-m", "oro_framework.cli", "test", str(app),
        str(app / "build" / PROBE), "--timeout", f"{timeout:g}",
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=app, timeout=2 * timeout + 30
    )
    for line in done.stderr.splitlines():
        if PROBE_MARK in line:
            found: dict[str, Any] = json.loads(line.split(PROBE_MARK, 1)[1])
            return found
    raise RuntimeError(f"the exports probe printed nothing:\n{done.stderr[-2000:]}")


def served_modules(app: Path) -> list[str]:
    """The ``oro:`` specifiers a host with every installed plugin registers for the app."""
    from oro_framework.host.app import Host

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the INI's keys for other platforms, said per suite
        host = Host(app)
    try:
        return sorted(host.js_modules.specifiers())
    finally:
        host.close()


# Report -------------------------------------------------------------------------------------


def _estimated_total(suite: Suite) -> int:
    """A suite that did not load ran one (failing) assertion instead of its own, and one that
    hung or crashed never ran the rest: such a suite counts the assertion calls its sources
    hold (all not passed), for an estimate of the real share."""
    if suite.status == "ran":
        return suite.total
    return max(suite.assertion_calls, suite.total)


def summarise(
    suites: list[Suite], modules: dict[str, Any], served: list[str], specifiers: list[str]
) -> dict[str, Any]:
    passed = sum(s.passed for s in suites)
    failed = sum(s.failed for s in suites)
    core = [s for s in suites if s.name in CORE]
    core_passed = sum(s.passed for s in core)
    core_total = sum(s.total for s in core)
    estimated_total = sum(map(_estimated_total, suites))
    served_set = {name.removeprefix("oro:") for name in served}
    missing_specifiers = [name for name in specifiers if name not in served_set]
    blame: Counter[str] = Counter()
    for suite in suites:
        weight = (
            max(suite.assertion_calls, suite.failed)
            if suite.status == "not loaded"
            else suite.failed
        )
        causes = suite.missing_modules or suite.missing_exports
        if causes and suite.status == "not loaded":
            for cause in causes:
                blame[cause] += weight
    return {
        "total": {
            "passed": passed,
            "failed": failed,
            "percent": round(100.0 * passed / (passed + failed), 1) if passed + failed else 0.0,
            "percent_counting_unloaded_suites": round(100.0 * passed / estimated_total, 1)
            if estimated_total
            else 0.0,
            "estimated_total": estimated_total,
        },
        "core": {
            "suites": list(CORE),
            "passed": core_passed,
            "total": core_total,
            "percent": round(100.0 * core_passed / core_total, 1) if core_total else 0.0,
            "estimated_total": sum(map(_estimated_total, core)),
        },
        "suites": [{**asdict(s), "total": s.total, "percent": round(s.percent, 1)} for s in suites],
        "modules": modules,
        "served": served,
        "test_specifiers_not_served": missing_specifiers,
        "blocking_causes": dict(blame.most_common()),
    }


def compare_modules(
    mirror: Path, rev: str, names: list[str], probed: dict[str, Any]
) -> dict[str, Any]:
    """Per Oro module: missing, or which of its declared exports oro lacks."""
    result: dict[str, Any] = {}
    for name in names:
        declared = sorted(declared_exports(mirror, rev, f"api/{name}.js"))
        got = probed.get(name)
        if isinstance(got, dict):
            result[name] = {"status": "missing", "error": got.get("error"), "declared": declared}
            continue
        have = set(got or [])
        lacking = [export for export in declared if export not in have]
        result[name] = {
            "status": "partial" if lacking else "complete",
            "declared": len(declared),
            "matched": len(declared) - len(lacking),
            "missing_exports": lacking,
        }
    return result


def print_failures(report: dict[str, Any]) -> None:
    for suite in report["suites"]:
        if suite["failures"] or suite["problems"]:
            print(f"\n== {suite['name']} ({suite['status']})")
            for failure in suite["failures"]:
                print(f"  not ok: {failure}")
            for problem in suite["problems"]:
                print(f"  page: {problem}")


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{'suite':<24}{'passed':>8}{'failed':>8}{'%':>8}  status")
    for suite in report["suites"]:
        extra = ""
        if suite["status"] == "not loaded":
            extra = f" ({suite['load_error']}; ~{suite['assertion_calls']} assertions)"
        print(
            f"{suite['name']:<24}{suite['passed']:>8}{suite['failed']:>8}"
            f"{suite['percent']:>7.1f}%  {suite['status']}{extra}"
        )
    total = report["total"]
    core = report["core"]
    print(
        f"{'TOTAL':<24}{total['passed']:>8}{total['failed']:>8}{total['percent']:>7.1f}%"
        f"  (counting the assertions of suites that did not load or finish: "
        f"{total['percent_counting_unloaded_suites']}% of ~{total['estimated_total']})"
    )
    print(f"{'core fs/dgram/dns/ipc':<24}{core['passed']:>8}{core['total'] - core['passed']:>8}"
          f"{core['percent']:>7.1f}%  (of ~{core['estimated_total']}: "
          f"{100.0 * core['passed'] / max(1, core['estimated_total']):.1f}%)")  # fmt: skip
    modules = report["modules"]
    missing = [name for name, info in modules.items() if info["status"] == "missing"]
    partial = {n: i for n, i in modules.items() if i["status"] == "partial"}
    complete = [n for n, i in modules.items() if i["status"] == "complete"]
    print(f"\nOro api/ modules: {len(complete)} complete, {len(partial)} partial, "
          f"{len(missing)} missing (of {len(modules)})")  # fmt: skip
    print("missing modules: " + (", ".join(missing) or "none"))
    for name, info in sorted(partial.items(), key=lambda item: -len(item[1]["missing_exports"])):
        print(f"  {name}: {info['matched']}/{info['declared']} exports; lacks "
              + ", ".join(info["missing_exports"]))  # fmt: skip
    if report["test_specifiers_not_served"]:
        print("specifiers the tests import that oro does not serve: "
              + ", ".join("socket:" + s for s in report["test_specifiers_not_served"]))  # fmt: skip
    if report["blocking_causes"]:
        print("suites not loaded, by cause (~assertions lost):")
        for cause, weight in report["blocking_causes"].items():
            print(f"  {cause}: {weight}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="Oro's git directory")
    parser.add_argument("--rev", default="HEAD", help="the commit of Oro's tests (HEAD)")
    parser.add_argument("--suite", action="append", help="run only this suite (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per suite (60)")
    parser.add_argument("--jobs", type=int, default=2, help="suites at a time (2)")
    parser.add_argument("--json", type=Path, help="write the report as JSON to this file")
    parser.add_argument("--keep", type=Path, help="work here (kept) instead of a temp folder")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: report what an earlier run there printed instead of running again",
    )
    parser.add_argument(
        "--webview",
        choices=("system", "qt"),
        help="run each suite in a real window of this engine (system: WebKitGTK) instead of "
        "headless Chromium",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also list each suite's failures"
    )
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="oro-coverage-"))
    try:
        if args.reuse and args.keep is None:
            parser.error("--reuse needs --keep DIR (the folder of the earlier run)")
        pristine = work / "pristine" / "test"
        if not (args.reuse and pristine.is_dir()):
            shutil.rmtree(work / "pristine", ignore_errors=True)
            pristine = extract(args.mirror, args.rev, work / "pristine")
        names = args.suite or suites_of(pristine)
        env = {**os.environ, **install_extensions(work / "extensions-site")}
        sys.path.insert(0, str(work / "extensions-site"))  # served_modules' host, in-process
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {
                name: pool.submit(
                    run_suite, name, pristine, work, args.timeout, env, args.reuse, args.webview
                )
                for name in names
            }
            suites = []
            for name, future in futures.items():
                suite = future.result()
                suites.append(suite)
                print(
                    f"{name}: {suite.passed} passed, {suite.failed} failed, "
                    f"{suite.status} ({suite.seconds} s)",
                    file=sys.stderr,
                    flush=True,
                )
        module_names = oro_modules(args.mirror, args.rev)
        specifiers = test_specifiers(pristine)
        cached = work / "exports.json"
        if args.reuse and cached.is_file():
            probed = json.loads(cached.read_text())
        else:
            probed = probe_exports(
                sorted(set(module_names) | set(specifiers)), pristine, work, args.timeout, env
            )
            cached.write_text(json.dumps(probed))
        modules = compare_modules(args.mirror, args.rev, module_names, probed)
        report = summarise(suites, modules, served_modules(pristine), specifiers)
        report["oro_rev"] = subprocess.run(
            ["git", "-C", str(args.mirror), "rev-parse", args.rev],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        if args.verbose:
            print_failures(report)
        print_report(report)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            print(f"\nwrote {args.json}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
