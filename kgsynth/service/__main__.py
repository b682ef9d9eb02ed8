"""``python -m kgsynth.service``: see ``server.py``."""

import sys

from kgsynth.service.server import main

sys.exit(main())
