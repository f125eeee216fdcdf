"""The plugin bench/isolation.py measures, twice: the same routes in the host's process
(:mod:`.local`) and in a process of its own (:mod:`.isolated`). ``bench/isolation_plugins`` is
put on ``PYTHONPATH`` for the host and the isolated plugin's process."""
