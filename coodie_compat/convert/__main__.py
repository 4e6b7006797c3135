"""``python -m coodie_compat.convert`` runs the ``coodie`` command line."""

from __future__ import annotations

import sys

from coodie_compat.convert.cli import main

sys.exit(main())
