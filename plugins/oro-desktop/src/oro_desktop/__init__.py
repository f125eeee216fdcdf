"""oro-desktop: menus, tray, file dialogs, notifications, clipboard and remembered window state
for oro-framework apps, on Qt in a window (docs/desktop.md)."""
