"""A plugin that misbehaves on purpose, for the isolation tests: it crashes, exits, leaks,
spins, floods and reads what is not its own. Imported only in an isolated plugin's process
(the tests put ``tests/isolation/plugins`` on its ``PYTHONPATH``)."""
