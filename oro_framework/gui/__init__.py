"""The GUI layer: native windows (pywebview on Qt), their Qt schemes and profile, single instance
and the runner that puts an app in a window. Above web and kernel; nothing below imports it."""
