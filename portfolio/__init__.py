"""Career Portfolio: a career portfolio for students in career and technical education."""

import os

# piccolo finds its engine through this module; set before any table is used.
os.environ.setdefault("PICCOLO_CONF", "portfolio.piccolo_conf")
