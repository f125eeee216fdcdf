"""oro-desktop: window state."""
