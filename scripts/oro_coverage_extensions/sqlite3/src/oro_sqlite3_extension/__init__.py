"""A port of Oro's test extension ``sqlite3`` (test/src/extensions/sqlite3/extension.cc)."""
