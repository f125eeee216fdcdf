"""oro-desktop: menus."""
