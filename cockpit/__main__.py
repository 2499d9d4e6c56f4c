"""Command line: ``python -m cockpit COMMAND``; see ``python -m cockpit --help``."""

from cockpit.cli import main

raise SystemExit(main())
