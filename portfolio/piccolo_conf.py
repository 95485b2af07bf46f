"""piccolo's engine, chosen by PORTFOLIO_DATABASE_URL (SQLite file by default)."""

from piccolo.conf.apps import AppRegistry

from portfolio.db import make_engine
from portfolio.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["portfolio.piccolo_app"])
