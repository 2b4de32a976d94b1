"""``python -m kpi``: see :mod:`kpi.cli`."""

import sys

from kpi.cli import main

sys.exit(main())
