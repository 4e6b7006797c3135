"""``python -m demo.legacy_app [--keyspace KS]``: the legacy application on its own."""

import sys

from demo.legacy_app.app import main

sys.exit(main())
