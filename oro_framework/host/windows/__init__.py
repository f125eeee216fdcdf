"""The app's windows as a host subsystem (``host.windows``): the model (:mod:`.model`), the
manager the ``window.*`` routes drive (:mod:`.manager`, made of :mod:`.policy`, :mod:`.opening`,
:mod:`.operations`, :mod:`.status`, :mod:`.inbox` and :mod:`.drops`), and the
:class:`~.engine.Engine` protocol every engine implements (:mod:`.engine`): the gui layer's
native ones (WebKitGTK, QtWebEngine) and the :class:`~.headless.HeadlessEngine` of an app without
a GUI.

Import from those modules: the package itself imports none of them, so that what needs only the
model (the core ``application`` plugin's declarations, ``oro config``) does not load the manager,
the engines and their event loop machinery.
"""
