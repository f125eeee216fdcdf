"""oro-desktop: menus, tray, file dialogs, notifications, clipboard and remembered window state
for oro-framework apps, in a window on GTK or Qt (docs/desktop.md)."""
