"""``oro:semver`` and ``oro:toml`` in real pages (headless Chromium and WebKitGTK) against the real
host, differentially: the same script under ``node`` with the npm packages they bundle (semver,
smol-toml, at the versions js-api/package-lock.json pins) and in the page; and TOML documents that
Python's tomlkit writes from generated values, read by ``oro:toml`` in the page and by Python's
``tomllib``. Bad input (TOML bombs, invalid versions) gets typed errors and the page goes on."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from oro_framework.testing import (
    ServedApp,
    WebKitBrowser,
    app_page,
    js_api_dev_dependencies,
    run_in_node,
    served_app,
)

HERE = Path(__file__).parent
# The differential scripts: function bodies run under node and in a page, answering JSON.
SEMVER_SCRIPT = (HERE / "semver_differential.js").read_text(encoding="utf-8")
TOML_SCRIPT = (HERE / "toml_differential.js").read_text(encoding="utf-8")

# Every kind of value and syntax of TOML 1.0, and documents it refuses.
TOML_DOCUMENTS = [
    'title = "TOML"\n[owner]\nname = "Tom"\ndob = 1979-05-27T07:32:00-08:00\n',
    "[database]\nenabled = true\nports = [ 8000, 8001, 8002 ]\n"
    'data = [ ["delta", "phi"], [3.14] ]\ntemp_targets = { cpu = 79.5, case = 72.0 }\n',
    '[servers]\n[servers.alpha]\nip = "10.0.0.1"\n[servers."beta gamma"]\nip = "10.0.0.2"\n',
    '[[fruits]]\nname = "apple"\n[fruits.physical]\ncolor = "red"\n'
    '[[fruits.varieties]]\nname = "x"\n[[fruits]]\nname = "banana"\n',
    'str1 = "I\'m a string. \\"You can quote me\\". Name\\tJos\\u00E9\\nLocation\\tSF."\n'
    'str0 = "\\U0001F600"\n'
    'str2 = """\nRoses are red\\\n   Violets are blue"""\nlit = \'C:\\Users\\nodejs\'\n'
    "lit2 = '''\nThe first newline is\ntrimmed in raw strings.\n'''\n",
    "int1 = +99\nint2 = -17\nint3 = 1_000\nhex = 0xdead_BEEF\noct = 0o755\nbin = 0b1101\n"
    "big = 9223372036854775807\nsmall = -9223372036854775808\nsafe = 9007199254740991\n",
    "f1 = +1.0\nf2 = 3.1415\nf3 = -0.01\nf4 = 5e+22\nf5 = 1e06\nf6 = -2E-2\nf7 = 6.626e-34\n"
    "f8 = 224_617.445_991_228\nf9 = inf\nf10 = -inf\nf11 = nan\nf12 = -0.0\n",
    "odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00.999999-07:00\n"
    "odt3 = 1979-05-27 07:32:00+05:30\n"
    "ldt1 = 1979-05-27T07:32:00\nldt2 = 1979-05-27T00:32:00.5\nld1 = 1979-05-27\nlt1 = 07:32:00\n"
    "lt2 = 00:32:00.999999\nleap = 2000-02-29\n",
    'name = "Orange"\nphysical.color = "orange"\nphysical.shape = "round"\n'
    'site."google.com" = true\n'
    '"" = "empty key"\n\'quoted "value"\' = 1\n3.14159 = "pi"\n',
    'mixed = [ 1, 2.0, "three", [4], { five = 5 } ]\nnested = [ [ [ ] ], { } ]\n'
    "multi = [\n  1, # one\n  2,\n]\n",
    "[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b.d]\nz = 3\n",
    "# only a comment\n\n\n",
    "a = 1\na = 2\n",
    "[t]\n[t]\n",
    "a = { b = 1 }\na.c = 2\n",
    "a.b = 1\n[a.b]\nc = 2\n",
    "a = [ 1,, 2 ]\n",
    'a = "unterminated\n',
    'a = "bad \\x escape"\n',
    "a = 01\n",
    "a = 1__0\n",
    "a = 0x\n",
    "a = 1979-05-27T25:00:00\n",
    "= 1\n",
    "a = 1 b = 2\n",
    "[[a]]\n[a]\n",
    "a = tru\n",
    "a = [[1] [2]]\n",
]


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.platform]) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


@pytest.fixture(scope="module")
def packages() -> Path:
    """js-api's node_modules: the npm semver and smol-toml that ``oro:semver`` and ``oro:toml``
    bundle, at their pinned versions."""
    return js_api_dev_dependencies() / "node_modules"


def in_page(page: Page, body: str, value: Any) -> Any:
    result = page.evaluate(
        "async (input) => { const semver = (await import('oro:semver')).default;"
        f" const toml = await import('oro:toml'); {body} }}",
        value,
    )
    return json.loads(json.dumps(result))


def in_node(packages: Path, body: str, directory: Path, value: Any) -> Any:
    semver = (packages / "semver" / "index.js").as_uri()
    smol = (packages / "smol-toml" / "dist" / "index.js").as_uri()
    # oro:toml asks smol-toml for exact integers (BigInts past 2^53) the same way.
    imports = (
        f"import semver from '{semver}'\nimport * as smol from '{smol}'\n"
        "const toml = { parse: (text) => smol.parse(text, { integersAsBigInt: 'asNeeded' }) }"
    )
    return run_in_node(body, imports=imports, values={"input": value}, directory=directory)


SEMVER_INPUTS = {
    "versions": [
        "1.2.3",
        "v1.2.3",
        "=1.2.3",
        "  1.2.3  ",
        "1.2.3-alpha.1+build.5",
        "1.2.3-alpha.10",
        "1.2.3-alpha.9",
        "1.2.3-0",
        "1.2.3+meta",
        "0.0.0",
        "1.2",
        "1.2.3.4",
        "01.2.3",
        "1.2.3-01",
        "1.2.3beta",
        "v2",
        "x",
        "",
        "9007199254740992.0.0",
        "42.6.7.9.3-alpha",
    ],
    "ranges": [
        "^1.0.0",
        "^0.2.3",
        "^0.0.3",
        "~1.2",
        "~1",
        "1.x || >=3.0.0",
        "1.2.3 - 2.3.4",
        "1.2 - 2",
        "*",
        "",
        ">1.2.3-alpha <2",
        ">=1.2.3-alpha.3",
        "<=1.2.3 >=1.2.4",
        "1.2.3",
        "x.x.x",
        "junk",
        ">=x.y",
    ],
}


def test_semver_answers_as_the_npm_package(page: Page, packages: Path, tmp_path: Path) -> None:
    expected = in_node(packages, SEMVER_SCRIPT, tmp_path, SEMVER_INPUTS)
    actual = in_page(page, SEMVER_SCRIPT, SEMVER_INPUTS)
    assert actual == expected
    # The comparison means something only if the script did what it meant to.
    first = expected["versions"][0]
    assert first["satisfies"][0] == [True, True, True]
    assert first["inc"][0] == ["2.0.0", "2.0.0"]
    assert expected["versions"][16]["parts"][0] == {"error": ["TypeError", "Invalid Version: x"]}


IDENTIFIER = st.text(alphabet="0123456789abcXYZ-", min_size=1, max_size=4)
VERSION = st.builds(
    lambda prefix, parts, pre, build, suffix: (
        prefix
        + ".".join(map(str, parts))
        + (f"-{'.'.join(pre)}" if pre else "")
        + (f"+{'.'.join(build)}" if build else "")
        + suffix
    ),
    st.sampled_from(["", "", "v", "=", " ", "~", "^", ">=", "<"]),
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4),
    st.lists(IDENTIFIER, max_size=2),
    st.lists(IDENTIFIER, max_size=1),
    st.sampled_from(["", "", " ", ".x", " - 2.0.0", " || 0.1", "*"]),
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    versions=st.lists(
        VERSION | st.text(alphabet="0123456789.-+vx*^~<>= |", max_size=12), min_size=12, max_size=12
    ),
    ranges=st.lists(
        VERSION | st.text(alphabet="0123456789.-x*^~<>= |", max_size=12), min_size=8, max_size=8
    ),
)
def test_generated_versions_and_ranges_answer_as_the_npm_package(
    page: Page,
    packages: Path,
    tmp_path_factory: pytest.TempPathFactory,
    versions: list[str],
    ranges: list[str],
) -> None:
    inputs = {"versions": versions, "ranges": ranges}
    expected = in_node(packages, SEMVER_SCRIPT, tmp_path_factory.mktemp("node"), inputs)
    assert in_page(page, SEMVER_SCRIPT, inputs) == expected


def test_toml_reads_documents_as_the_npm_package(
    page: Page, packages: Path, tmp_path: Path
) -> None:
    documents = {"documents": TOML_DOCUMENTS, "write": False}
    expected = in_node(packages, TOML_SCRIPT, tmp_path, documents)
    actual = in_page(page, TOML_SCRIPT, documents)
    assert actual == expected
    assert expected[0]["parsed"]["owner"]["dob"] == {"toml:offset": "1979-05-27T15:32:00.000Z"}
    assert expected[5]["parsed"]["big"] == {"toml:int": "9223372036854775807"}
    assert [answer == {"error": True} for answer in expected].count(True) == 16


# --- Against Python's tomllib, on documents tomlkit writes ---------------------------------------


def _clock(value: time | datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"


def _day(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def tagged(value: Any) -> Any:
    """tomllib's value in the shape of ``tagged()`` in toml_differential.js (floats as numbers:
    :func:`floats` reads the page's texts back)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"toml:int": str(value)}
    if isinstance(value, float):
        return {"toml:float": "NaN"} if math.isnan(value) else value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return {"toml:local": f"{_day(value)}T{_clock(value)}"}
        utc = value.astimezone(UTC)
        return {"toml:offset": f"{_day(utc)}T{_clock(utc)}Z"}
    if isinstance(value, date):
        return {"toml:date": _day(value)}
    if isinstance(value, time):
        return {"toml:time": _clock(value)}
    if isinstance(value, list):
        return [tagged(item) for item in value]
    return {key: tagged(item) for key, item in value.items()}


def floats(value: Any) -> Any:
    """The page's answer with its ``toml:float`` texts as floats again (but NaN, never equal)."""
    if isinstance(value, list):
        return [floats(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.keys() == {"toml:float"} and value["toml:float"] != "NaN":
        return float(value["toml:float"])
    return {key: floats(item) for key, item in value.items()}


OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
SCALARS = st.one_of(
    st.text(max_size=8),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-(2**20), max_value=2**20),
    st.floats(),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1)),
    st.times(),
    st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30)),
    st.datetimes(
        min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=OFFSETS
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)
DOCUMENTS = st.dictionaries(st.text(max_size=6), VALUES, max_size=5)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(DOCUMENTS, min_size=10, max_size=10))
def test_toml_reads_and_writes_documents_as_tomllib_does(
    page: Page, batch: list[dict[str, Any]]
) -> None:
    documents = [tomlkit.dumps(value) for value in batch]
    expected = []
    for document in documents:
        try:
            expected.append(tagged(tomllib.loads(document)))
        except tomllib.TOMLDecodeError:
            # tomlkit wrote something TOML does not allow: nothing to compare against.
            assume(False)
    answers = floats(in_page(page, TOML_SCRIPT, {"documents": documents, "write": True}))
    for document, wanted, answer in zip(documents, expected, answers, strict=True):
        assert answer["parsed"] == wanted, document
        # What stringify wrote is TOML that tomllib reads back to the same values.
        assert tagged(tomllib.loads(answer["written"])) == wanted, answer["written"]


# --- Bad input ------------------------------------------------------------------------------------


def test_toml_bombs_are_range_errors_naming_the_limit_and_the_page_goes_on(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const { parse } = await import('oro:toml')
            const failure = (work) => {
              try { work(); return 'no error' } catch (e) {
                return [e.name, e.code, e.message.split('\\n')[0]]
              }
            }
            const keys = Array.from({ length: 1e6 }, (_, i) => `k${i} = ${i}`).join('\\n')
            return {
              keys: failure(() => parse(keys)),
              tables: failure(() => parse('[[a]]\\n'.repeat(1e6))),
              brackets: failure(() => parse('a = ' + '['.repeat(1e5) + ']'.repeat(1e5))),
              inline: failure(() => parse('a = ' + '{b='.repeat(5000) + '1' + '}'.repeat(5000))),
              dotted: failure(() => parse(Array(5000).fill('a').join('.') + ' = 1')),
              headers: failure(() => parse('[' + Array(5000).fill('a').join('.') + ']')),
              type: failure(() => parse(new Uint8Array(3))),
              after: parse('a = 1\\n[t]\\nb = [1, 2]\\n'),
            }
        }"""
    )
    too_deep = [
        "RangeError",
        "ERR_TOML_TOO_DEEP",
        "TOML nesting deeper than 1000 tables and arrays (options.maxDepth)",
    ]
    assert answer == {
        "keys": [
            "RangeError",
            "ERR_TOML_TOO_LARGE",
            "TOML document of 16777779 characters is longer than the limit of 1048576"
            " (options.maxLength)",
        ],
        "tables": [
            "RangeError",
            "ERR_TOML_TOO_LARGE",
            "TOML document of 6000000 characters is longer than the limit of 1048576"
            " (options.maxLength)",
        ],
        "brackets": too_deep,
        "inline": too_deep,
        "dotted": too_deep,
        "headers": too_deep,
        "type": [
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            'The "source" argument must be of type string. Received an instance of Uint8Array',
        ],
        "after": {"a": 1, "t": {"b": [1, 2]}},
    }


def test_toml_errors_are_typed_and_dates_are_oros_types(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const toml = await import('oro:toml')
            const failure = (text) => {
              try { toml.parse(text); return 'no error' } catch (e) {
                return [[e.name, e.code], [e.line ?? null, e.column ?? null]]
              }
            }
            const value = toml.parse('t = 07:32:00.123456789\\nd = 1979-05-27\\n'
              + 'l = 1979-05-27T07:32:00\\no = 1979-05-27T07:32:00-08:00\\n'
              + 'big = 9223372036854775807\\n')
            return {
              types: [value.t instanceof toml.TomlLocalTime, value.d instanceof toml.TomlLocalDate,
                      value.l instanceof toml.TomlLocalDateTime, value.o instanceof Date,
                      typeof value.big],
              values: [value.t.nanosecond, String(value.d), String(value.l),
                       value.o.toISOString(), String(value.big)],
              written: toml.stringify(value),
              errors: [failure('a = 1\\nb = "x'), failure('a = 1\\na = 2'),
                       failure('d = 1979-02-30'), failure('v = 9223372036854775808'),
                       failure('x = { a = 1 }\\nx.b = 2')],
            }
        }"""
    )
    errors = answer.pop("errors")
    answer["errors"] = [kind for kind, _where in errors]
    answer["where"] = [where for _kind, where in errors]
    answer["where"][2] = None
    assert answer == {
        "types": [True, True, True, True, "bigint"],
        "values": [
            123456789,
            "1979-05-27",
            "1979-05-27T07:32:00",
            "1979-05-27T15:32:00.000Z",
            "9223372036854775807",
        ],
        "written": "t = 07:32:00.123456789\nd = 1979-05-27\nl = 1979-05-27T07:32:00\n"
        "o = 1979-05-27T15:32:00.000Z\nbig = 9223372036854775807\n",
        "errors": [["SyntaxError", "ERR_TOML_PARSE"]] * 5,
        # Where: smol-toml's position, none for a value refused after parsing. February 30th
        # is refused by JavaScriptCore's Date inside smol-toml (with a position), by oro:toml
        # after V8's rolled it over.
        "where": [[2, 5], [2, 1], None, [None, None], [2, 1]],
    }


def test_invalid_versions_are_type_errors_as_in_node_semver(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const semver = await import('oro:semver')
            const failure = (work) => {
              try { return work() } catch (e) { return [e.name, e.message] }
            }
            return [failure(() => semver.compare('x', '1.0.0')),
                    failure(() => semver.major('1.2')),
                    failure(() => new semver.SemVer('1.2.3.4')),
                    failure(() => new semver.Range('>=x.y')),
                    semver.satisfies('x', '^1'), semver.parse('x'), semver.inc('x', 'major'),
                    failure(() => semver.inc('1.2.3', 'bogus'))]
        }"""
    )
    assert answer == [
        ["TypeError", "Invalid Version: x"],
        ["TypeError", "Invalid Version: 1.2"],
        ["TypeError", "Invalid Version: 1.2.3.4"],
        ["TypeError", "Invalid comparator: >=x.y"],
        False,
        None,
        None,
        None,
    ]
