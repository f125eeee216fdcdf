"""oro-desktop: clipboard."""
