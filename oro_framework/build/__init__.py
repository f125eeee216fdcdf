"""``oro build``: an app directory becomes a self-contained folder its users run without Python,
and the archives and packages that install it (``.tar.gz``, ``.deb``, ``.rpm``).

The steps, each in its own module: :mod:`~oro_framework.build.plan` reads the app and chooses
the plugins, :mod:`~oro_framework.build.freeze` runs PyInstaller, :mod:`~oro_framework.build.trim`
removes what the app never loads, :mod:`~oro_framework.build.package` wraps the folder, and
:mod:`~oro_framework.build.builder` runs them in order with progress, skipping what
:mod:`~oro_framework.build.incremental` kept from the last build of the same inputs.
:mod:`~oro_framework.build.system` builds distro packages on the system WebView instead.
docs/build.md describes the result.
"""
