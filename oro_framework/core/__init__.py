"""oro-framework's own plugins, registered through the ``oro`` entry-point group like any other.

* :mod:`~oro_framework.core.ping`: ``ping``.
* :mod:`~oro_framework.core.platform`: ``platform.primordials``, ``platform.openExternal``,
  ``mime.lookup``.
* :mod:`~oro_framework.core.os`: ``os.*`` device information, behind permission ``device_info``.
* :mod:`~oro_framework.core.process`: ``__args.env``/``argv``/``process`` (the declared
  environment, ``build.env`` and ``[env]``; cwd, pid, versions) and ``process.memoryUsage``.
* :mod:`~oro_framework.core.diagnostics`: ``diagnostics.*``, behind permission ``diagnostics``.
* :mod:`~oro_framework.core.permissions`: ``permissions.query``, ``permissions.list``.
* :mod:`~oro_framework.core.protocols`: ``protocol.*`` and ``[webview.protocol-handlers]``, behind
  permission ``protocol_handlers``; the handlers live in ``host.protocol_handlers``.
* :mod:`~oro_framework.core.application`: ``application.*`` and ``window.*``, behind permissions
  ``application`` and ``window``; the window manager lives in ``host.windows``.

Each plugin module holds only hook implementations and the route handlers they register; blocking
work lives in the private helper modules and runs in a worker thread.
"""
