"""The host's machinery. Plugins use the names re-exported by :mod:`oro_framework` instead."""
