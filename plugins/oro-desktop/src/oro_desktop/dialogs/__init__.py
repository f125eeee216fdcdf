"""oro-desktop: dialogs."""
