"""The system engine on Linux: windows of GTK 3 with WebKitGTK 4.1 (``WebKit2``) through the
distro's PyGObject, behind the host's ``Engine``. Only this package imports ``gi``."""
