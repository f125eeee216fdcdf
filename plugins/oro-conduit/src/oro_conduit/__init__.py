"""oro-conduit: the Conduit binary WebSocket channel between pages and the host."""
