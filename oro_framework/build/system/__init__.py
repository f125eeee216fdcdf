"""``oro build --webview system``: an app as a distro package (``.deb``, ``.rpm``, a folder)
on the distro's Python, PyGObject and WebKitGTK, carrying only what the distro lacks.

:mod:`~oro_framework.build.system.closure` finds the distributions the host and the app's
plugins need, :mod:`~oro_framework.build.system.distro` knows what Debian and Fedora package,
:mod:`~oro_framework.build.system.vendor` decides and unpacks what is carried (from
:mod:`~oro_framework.build.system.wheels`), :mod:`~oro_framework.build.system.layout` lays out
what a package installs, :mod:`~oro_framework.build.system.packages` wraps it, and
:mod:`~oro_framework.build.system.builder` runs the steps. docs/build.md, "System packages",
describes the result.
"""
