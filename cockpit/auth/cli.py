"""``python -m cockpit users ...``: manage accounts from the shell (the first administrator, resets).

    python -m cockpit users add NAME --role ROLE [--village ID ...] [--display-name TEXT]
    python -m cockpit users passwd NAME
    python -m cockpit users role NAME --role ROLE [--village ID ...]
    python -m cockpit users disable NAME | enable NAME
    python -m cockpit users list

Passwords are asked twice without echo, or read from one line of standard input with
``--password-stdin`` (for scripts); never from the command line, where ``ps`` would show them.
Each change is in the audit log as made by ``cli:<login name>``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from cockpit.auth.audit_log import shell_actor
from cockpit.store.county_sql import township_villages

__all__ = ["register"]


class _CliError(Exception):
    pass


def register(sub) -> None:
    """Add the ``users`` command to the subparsers ``sub`` of the main parser."""
    from cockpit.auth.roles import ROLE_IDS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help="database file (default: db_path setting)")
    users = sub.add_parser("users", help="manage user accounts: add, passwd, role, disable, enable, list")
    actions = users.add_subparsers(dest="action", required=True)

    def with_password(p):
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from one line of standard input instead of asking")

    add = actions.add_parser("add", parents=[common], help="create a user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLE_IDS)
    add.add_argument("--village", action="append", default=[], metavar="ID",
                     help="village id a village_secretary may see (repeat for several)")
    add.add_argument("--township", default=None, metavar="CODE",
                     help="in a county's database: every village of this township (a township_leader's)")
    add.add_argument("--display-name", default="", help="name shown in the app")
    with_password(add)
    pw = actions.add_parser("passwd", parents=[common], help="set a new password (also lifts a lock-out)")
    pw.add_argument("name")
    with_password(pw)
    role = actions.add_parser("role", parents=[common], help="change a user's role and villages")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=ROLE_IDS)
    role.add_argument("--village", action="append", default=[], metavar="ID")
    role.add_argument("--township", default=None, metavar="CODE", help="every village of this township")
    for action, text in (("disable", "disable an account (it cannot sign in)"), ("enable", "enable it again")):
        p = actions.add_parser(action, parents=[common], help=text)
        p.add_argument("name")
    actions.add_parser("list", parents=[common], help="list the users")
    users.set_defaults(func=_run)


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise _CliError("the two passwords differ")
    return first


def _connect(db: Path):
    import duckdb

    from cockpit.store.owner import refuse_while_owned

    from cockpit.store.build import BuildError, upgrade_database

    if not db.is_file():
        raise _CliError(f"{db}: no database; build it first with: python -m cockpit init-db --db {db}")
    try:
        refuse_while_owned(db, "Manage accounts on its Users and audit page (用户与审计), or stop the app first.")
    except SystemExit as exc:
        raise _CliError(str(exc).removeprefix("error: ")) from None
    try:
        upgrade_database(db)
        return duckdb.connect(str(db))
    except (duckdb.Error, BuildError) as exc:
        raise _CliError(f"{db}: cannot be opened for writing ({exc}); if the app is running with this "
                        "database, stop it or use its admin page") from None


def _table(users) -> str:
    rows = [("name", "role", "active", "demo", "villages", "display name")]
    rows += [(u.name, u.role, "yes" if u.active else "no", "yes" if u.demo else "", " ".join(u.villages),
              u.display_name) for u in users]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows)


def _township_villages(con, code: str) -> list[str]:
    villages = [v for c, _, _, v in township_villages(con) if c == code]
    if not villages:
        raise _CliError(f"no township {code!r} in this database (a county's database lists its townships)")
    return villages


def _run(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.auth import users as u

    db = Path(args.db) if args.db else settings.path("db_path")
    try:
        con = _connect(db)
        try:
            by = shell_actor()
            if getattr(args, "township", None):
                args.village += _township_villages(con, args.township)
            if args.action == "list":
                print(_table(u.list_users(con)))
            elif args.action == "add":
                user = u.add_user(con, args.name, _password(args), args.role, villages=args.village,
                                  display_name=args.display_name, by=by)
                print(f"added {user.name} ({user.role})")
            elif args.action == "passwd":
                if u.get_user(con, args.name) is None:
                    raise u.UserError("unknown_user", f"no user called {args.name!r}")
                u.set_password(con, args.name, _password(args), by=by)
                print(f"password of {args.name.strip().lower()} changed")
            elif args.action == "role":
                user = u.set_role(con, args.name, args.role, villages=args.village, by=by)
                print(f"{user.name} is now {user.role}")
            else:
                user = u.set_active(con, args.name, args.action == "enable", by=by)
                print(f"{user.name} {'enabled' if user.active else 'disabled'}")
        finally:
            con.close()
    except (_CliError, u.UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
