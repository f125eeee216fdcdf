"""``oro:i18n``, ``oro:language`` and ``oro:enumeration`` in a real headless Chromium against
the real bridge: an app's ``messages.json`` files found through ``[i18n.locales]`` (and the
default folders), substitutions and placeholders as Oro and WebExtensions apply them, language
lookups by code, tag and name, Oro's enumerations. Also under ``socket:`` names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.i18n
from oro_framework.testing import ServedApp, app_page, served_app

MESSAGES = {
    "en": {
        "hello": {"message": "Hello", "description": "a greeting"},
        "indexed": {"message": "a={0}, b=$1, c=$2$, d={3}"},
        "named": {
            "message": "first={first}, second=$second, third=$THIRD$",
            "placeholders": {"first": {"content": "$0"}, "second": {"content": "{1}"},
                             "third": "$2$"},
        },
    },
    "fr-FR": {"hello": {"message": "Bonjour"}, "only-fr-fr": {"message": "de France"}},
    "fr": {"hello": {"message": "Salut"}, "only-fr": {"message": "en français"}},
}  # fmt: skip


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    root = tmp_path_factory.mktemp("i18n-app")
    (root / "index.html").write_text("<!doctype html><title>i18n</title>")
    for tag, folder in (("en", "lang/en"), ("fr-FR", "lang/fr-FR"), ("fr", "_locales/fr")):
        (root / folder).mkdir(parents=True)
        (root / folder / "messages.json").write_text(json.dumps(MESSAGES[tag]))
    config = {"i18n.locales.en": "lang/en", "i18n.locales.fr-FR": "lang/fr-FR"}
    with served_app([oro_framework.core.i18n], config=config, app_dir=root) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str) -> Any:
    return page.evaluate(
        f"async () => JSON.parse(JSON.stringify(await (async () => {{ {body} }})()) ?? null)"
    )


def test_messages_come_from_the_configured_and_the_default_folders(page: Page) -> None:
    answer = in_page(
        page,
        """const i18n = (await import('oro:i18n')).default
        const same = i18n === (await import('socket:i18n')).default
        const get = (name, ...rest) => i18n.getMessage(name, ...rest)
        return { same,
          en: [get('hello', { locale: 'en' }), get('hello', [], { locale: 'en-US' })],
          fr: [get('hello', { locale: 'fr' }), get('only-fr', { locale: 'fr' })],
          frFR: [get('hello', { locale: 'fr-fr' }), get('only-fr-fr', { locale: 'fr-FR' }),
                 get('only-fr', { locale: 'fr-FR' })],
          missing: [get('nothing', { locale: 'en' }), get('hello', { locale: 'de' })],
          description: i18n.getMessageDescription('hello', { locale: 'en' }),
          ui: i18n.getUILanguage() === navigator.language,
          accepted: i18n.getAcceptLanguages().join() === navigator.languages.join(),
          code: i18n.LanguageCode['fr-CA'] >= 0 }""",
    )
    assert answer == {
        "same": True,
        "en": ["Hello", "Hello"],
        # A language's own file from the default _locales/<tag> folder.
        "fr": ["Salut", "en français"],
        # A tag tries its own file (configured), then its language's.
        "frFR": ["Bonjour", "de France", "en français"],
        "missing": [None, None],
        "description": "a greeting",
        "ui": True,
        "accepted": True,
        "code": True,
    }


def test_substitutions_and_placeholders_as_oro_applies_them(page: Page) -> None:
    answer = in_page(
        page,
        """const { getMessage } = await import('oro:i18n')
        return [getMessage('indexed', ['A', 'B', 'C'], { locale: 'en' }),
                getMessage('named', ['1st', '2nd', '3rd'], { locale: 'en' }),
                getMessage('named', ['$1', '{0}', 'x'], { locale: 'en' })]""",
    )
    # An index without a substitution stays as written; substituted text is not substituted again.
    assert answer == [
        "a=A, b=B, c=C, d={3}",
        "first=1st, second=2nd, third=3rd",
        "first=$1, second={0}, third=x",
    ]


def test_language_lookup_and_describe(page: Page) -> None:
    answer = in_page(
        page,
        """const language = (await import('oro:language')).default
        const { lookup, describe, codes, tags, names } = language
        let error = null
        try { lookup('f') } catch (e) { error = [e.name, e.message] }
        return { code: lookup('fr', { strict: true }).map((r) => r.toJSON()),
                 tag: lookup('fr-ca').map((r) => r.toJSON()),
                 name: lookup('German', { strict: true }).map((r) => [r.code, r.name]),
                 prefix: lookup('Germ').map((r) => r.code),
                 described: describe('pt-BR').map((d) => d.toJSON()),
                 sizes: [codes.has('EN'), tags.has('en-GB'), names.has('English')],
                 error }""",
    )
    assert answer["code"][0]["code"] == "FR"
    assert answer["code"][0]["name"] == "French"
    assert {"fr", "fr-FR", "fr-CA"} <= set(answer["code"][0]["tags"])
    assert answer["tag"] == [{"code": "FR", "name": "French", "tags": ["fr-CA"]}]
    assert answer["name"] == [["DE", "German"]]
    assert "DE" in answer["prefix"]
    assert answer["described"] == [
        {"code": "PT", "tag": "pt-BR", "description": "Portuguese (Brazil)"}
    ]
    assert answer["sizes"] == [True, True, True]
    assert answer["error"] == [
        "TypeError",
        "Failed to lookup query: Expecting string to at least 2 characters.",
    ]


def test_enumerations_are_frozen_sets_of_positions(page: Page) -> None:
    answer = in_page(
        page,
        """const { Enumeration } = await import('oro:enumeration')
        const colours = Enumeration.from(['red', 'green', 'red', 'blue'])
        const args = Enumeration.from('a', 'b')
        colours.add('pink'); colours.delete('red')
        let bad = null
        try { Enumeration.from([{}]) } catch (e) { bad = e.name }
        return { values: [...colours], green: colours.green, second: colours[1],
                 has: ['red' in colours, colours.contains('blue'), colours.has('pink')],
                 keys: Object.keys(colours), length: colours.length,
                 frozen: Object.isFrozen(colours),
                 args: args.toJSON(), tag: Object.prototype.toString.call(colours), bad }""",
    )
    assert answer == {
        "values": ["red", "green", "blue"],
        "green": 1,
        "second": "green",
        "has": [True, True, False],
        "keys": ["red", "green", "blue"],
        "length": 3,
        "frozen": True,
        "args": ["a", "b"],
        "tag": "[object Enumeration]",
        "bad": "TypeError",
    }
