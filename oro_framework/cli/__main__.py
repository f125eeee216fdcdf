"""``python -m oro_framework.cli``: the ``oro`` command line (how ``oro dev`` starts its host)."""

from oro_framework.cli import main

main()
