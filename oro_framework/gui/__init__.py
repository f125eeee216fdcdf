"""The GUI layer: the web engines behind the host's ``Engine`` (``gtk/``: WebKitGTK, the
system engine on Linux; ``qt/``: QtWebEngine through pywebview), the choice between them
(``engines.py``), single instance and the runner that puts an app in a window. Above web and
host; nothing below imports it."""
