"""Create or drop the PostgreSQL database of one CI run: `ci_postgres.py create|drop URL NAME`.

`create` exits 1 (with a note) when the server cannot be reached, so CI can fall back
to SQLite only.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def main(action: str, server_url: str, name: str) -> int:
    try:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
            if action == "create":
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            else:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    except psycopg.Error as exc:
        print(f"PostgreSQL: {action} {name} failed ({exc})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
