"""A port of Oro's test extension ``simple-ipc-ping`` (test/src/extensions/simple/ipc-ping.cc)."""
