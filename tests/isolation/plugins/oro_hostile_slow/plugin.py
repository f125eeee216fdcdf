"""Never finishes importing: waits on something that never comes."""

from __future__ import annotations

import time

time.sleep(3600)
