"""The web layer: the HTTP/WebSocket server, the IPC bridge, security and resources."""
