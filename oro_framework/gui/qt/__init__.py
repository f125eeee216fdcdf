"""The Qt engine: pywebview's Qt backend with PyQt6 and QtWebEngine (a Chromium of its own), from
PyPI. Only this package imports pywebview and Qt."""
