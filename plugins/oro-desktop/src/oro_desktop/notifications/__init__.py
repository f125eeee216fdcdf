"""oro-desktop: notifications."""
