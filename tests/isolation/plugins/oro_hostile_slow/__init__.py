"""A plugin whose import never ends, for the isolation tests."""
