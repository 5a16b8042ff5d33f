"""The web app: FastAPI, server-rendered Jinja pages and a REST API over the inventory store.

>>> from fenji.web import Settings, create_app
>>> app = create_app(Settings.from_env())          # or: fenji serve
"""

from __future__ import annotations

from fenji.web.app import create_app
from fenji.web.settings import Settings

__all__ = ["Settings", "create_app"]
