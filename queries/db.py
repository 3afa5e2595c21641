"""Compatibility name for `open_db`: queries/cli.py imports it from here.

TODO(merge issue 10): connections live in queries.connection (public: `queries.open_db`);
delete this module once the CLI (PART A's `imr/`) imports from there.
"""

from queries.connection import open_db

__all__ = ["open_db"]
