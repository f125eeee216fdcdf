"""The GUI layer: the web engines behind the kernel's ``Engine`` (``gtk/``: WebKitGTK, the
system engine on Linux; ``qt/``: QtWebEngine through pywebview), the choice between them
(``engines.py``), single instance and the runner that puts an app in a window. Above web and
kernel; nothing below imports it."""
