"""`cio-console env ...`: stored environments, their keys, and the connection test.

Keys are read from a hidden prompt, or from stdin when it is piped, never from an
argument (arguments end up in shell history and `ps`). No output ever holds a key:
only whether each key is set.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from console.cli.common import print_json
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_NETWORK, EXIT_OK
from console.environments.keystore import KEY_KINDS, KeyringUnavailable
from console.environments.store import Environment, EnvironmentStore
from console.errors import ConsoleError
from console.wire.apis import REGIONS, Region
from console.wire.credentials import ENV_KEYS, KEY_LABEL, Credentials

if TYPE_CHECKING:
    from console.diagnose.connection_test import ConnectionCheck
    from console.wire.apis import API

PROG = "cio-console env"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="env_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("list", help="the environments: region, Site ID, which keys are set")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("show", help="one environment's settings and which keys are set")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("add", help="add an environment")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--region", required=True, type=str.lower, choices=REGIONS, help="the workspace's region")
    p.add_argument("--site-id", metavar="ID", help="the workspace's Site ID (Track API)")
    p.add_argument("--protected", action="store_true", help="sends and destructive actions ask to type the identifier")
    _add_url_arguments(p)

    p = sub.add_parser("set", help="change an environment's region, Site ID or protection")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--region", type=str.lower, choices=REGIONS)
    p.add_argument("--site-id", metavar="ID", help='the Site ID ("" clears it)')
    guard = p.add_mutually_exclusive_group()
    guard.add_argument("--protected", dest="protected", action="store_true", default=None)
    guard.add_argument("--unprotected", dest="protected", action="store_false")
    _add_url_arguments(p)

    p = sub.add_parser("rename", help="rename an environment (its keys move with it)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("new_name", metavar="NEW_NAME")

    p = sub.add_parser("set-key", help="store a key in the OS keyring (hidden prompt, or stdin when piped)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("kind", choices=KEY_KINDS, help="track, app or write (the Pipelines source key)")

    p = sub.add_parser("delete-key", help="remove a key from the OS keyring")
    p.add_argument("name", metavar="NAME")
    p.add_argument("kind", choices=KEY_KINDS)

    p = sub.add_parser("delete", help="delete an environment and its keyring entries")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--yes", action="store_true", help="do not ask to type the name to confirm")

    p = sub.add_parser("test", help="check each key, its kind and the region against Customer.io")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="give up waiting for an answer after this long (default 30)",
    )


def _add_url_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sandbox-root",
        metavar="URL",
        help='serve every API from a sandbox at URL (e.g. http://127.0.0.1:8765; "" clears)',
    )
    p.add_argument(
        "--url",
        action="append",
        default=None,
        metavar="API=URL",
        help='base URL override for one API: track, app or pipelines (repeatable; "API=" clears)',
    )


def run(args: argparse.Namespace, store: EnvironmentStore | None = None) -> int:
    handler = HANDLERS[args.env_command]
    try:
        return handler(args, store or EnvironmentStore())
    except (ConsoleError, ValueError) as exc:  # console.errors: an environment, a setting, the keyring
        return _fail(str(exc))


# -- reading -----------------------------------------------------------------------------
def _status(store: EnvironmentStore, env: Environment) -> tuple[dict[str, bool] | None, str | None]:
    try:
        return store.key_status(env.name), None
    except KeyringUnavailable as exc:
        return None, str(exc)


def _as_dict(env: Environment, status: dict[str, bool] | None, last: str | None) -> dict[str, Any]:
    return {
        "name": env.name,
        "region": env.region.value,
        "site_id": env.site_id,
        "protected": env.protected,
        "last_used": env.name == last,
        "keys": status,  # which keys are set; null when the keyring could not be read
        "sandbox_root": env.sandbox_root,
        "urls": {api.value: url for api, url in env.urls.items()},
    }


def cmd_list(args: argparse.Namespace, store: EnvironmentStore) -> int:
    envs = store.list()
    last = store.last_used
    problem = None
    rows = []
    for env in envs:
        status, problem = _status(store, env) if problem is None else (None, problem)
        rows.append(_as_dict(env, status, last))
    if args.json:
        print_json(rows)
    else:
        header = ["NAME", "REGION", "SITE ID", "TRACK", "APP", "WRITE", ""]
        table = [header]
        for row in rows:
            keys = row["keys"]
            marks = [("set" if keys[k] else "-") if keys is not None else "?" for k in KEY_KINDS]
            notes = [
                n
                for n, on in (
                    ("protected", row["protected"]),
                    ("last used", row["last_used"]),
                    ("custom hosts", row["sandbox_root"] or row["urls"]),
                )
                if on
            ]
            table.append([row["name"], row["region"].upper(), row["site_id"] or "-", *marks, ", ".join(notes)])
        _print_table(table)
        if not rows:
            print("No environments. Add one with `cio-console env add NAME --region us|eu`.")
    if problem:
        print(f"note: which keys are set is unknown. {problem}", file=sys.stderr)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, store: EnvironmentStore) -> int:
    env = store.get(args.name)
    status, problem = _status(store, env)
    data = _as_dict(env, status, store.last_used)
    if args.json:
        print_json(data | {"base_urls": {api.value: env.base_url(api) for api in _apis()}})
    else:
        print(f"{env.name}{'  [protected]' if env.protected else ''}{'  (last used)' if data['last_used'] else ''}")
        print(f"  {'Region':<14} {env.region.value.upper()}")
        print(f"  {'Site ID':<14} {env.site_id or '- (not set)'}")
        for kind in KEY_KINDS:
            state = "unknown" if status is None else ("set (in the OS keyring)" if status[kind] else "not set")
            print(f"  {KEY_LABEL[kind]:<14} {state}")
        for api in _apis():
            print(f"  {api.title:<14} {env.base_url(api)}")
    if problem:
        print(f"note: which keys are set is unknown. {problem}", file=sys.stderr)
    return EXIT_OK


def _apis() -> list[API]:
    from console.wire.apis import API

    return list(API)


# -- changing ----------------------------------------------------------------------------
def _url_changes(args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.sandbox_root is not None:
        changes["sandbox_root"] = args.sandbox_root or None
    if args.url:
        urls = {}
        for item in args.url:
            api, sep, url = item.partition("=")
            if not sep:
                raise ValueError(f"--url {item!r} must look like API=URL, e.g. track=http://127.0.0.1:8765/track-us")
            urls[api.strip().lower()] = url.strip()
        changes["urls"] = urls
    return changes


def cmd_add(args: argparse.Namespace, store: EnvironmentStore) -> int:
    changes = _url_changes(args)
    env = store.add(
        args.name,
        Region(args.region),
        site_id=args.site_id,
        protected=args.protected,
        sandbox_root=changes.get("sandbox_root"),
        urls=changes.get("urls"),
    )
    print(
        f"Added {env.name} ({env.region.value.upper()}{', protected' if env.protected else ''}). "
        f"Store its keys with `cio-console env set-key {_q(env.name)} track|app|write`."
    )
    return EXIT_OK


def cmd_set(args: argparse.Namespace, store: EnvironmentStore) -> int:
    changes = _url_changes(args)
    if args.region is not None:
        changes["region"] = Region(args.region)
    if args.site_id is not None:
        changes["site_id"] = args.site_id
    if args.protected is not None:
        changes["protected"] = args.protected
    if "urls" in changes:
        merged = {api.value: url for api, url in store.get(args.name).urls.items()}
        merged.update(changes["urls"])
        changes["urls"] = {k: v for k, v in merged.items() if v}
    if not changes:
        return _fail("nothing to change: give --region, --site-id, --protected/--unprotected, --sandbox-root or --url")
    env = store.update(args.name, **changes)
    print(
        f"Updated {env.name}: region {env.region.value.upper()}, Site ID {env.site_id or '-'}"
        f"{', protected' if env.protected else ', not protected'}."
    )
    return EXIT_OK


def cmd_rename(args: argparse.Namespace, store: EnvironmentStore) -> int:
    old = store.get(args.name).name
    env = store.rename(old, args.new_name)
    print(f"Renamed {old} to {env.name}; its keys moved with it.")
    return EXIT_OK


def read_secret(prompt: str) -> str:
    """A key from a hidden prompt, or from stdin when it is not a terminal."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    text = stdin.read() if stdin is not None else ""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        raise ValueError("stdin holds more than one line; pipe the key alone (nothing was stored)")
    if not lines:
        raise ValueError("no key on stdin; pipe the key, or run in a terminal for a hidden prompt (nothing was stored)")
    return lines[0]


def cmd_set_key(args: argparse.Namespace, store: EnvironmentStore) -> int:
    env = store.get(args.name)
    label = KEY_LABEL[args.kind]
    value = read_secret(f"{label} for {env.name} (input hidden): ").strip()
    others = [k for k in KEY_KINDS if k != args.kind and store.keys.get(env.name, k) == value]
    store.set_key(env.name, args.kind, value)
    print(f"Stored the {label} of {env.name} in the OS keyring ({store.keys.describe()}).")
    for other in others:
        print(
            f"warning: this is the same value as the {KEY_LABEL[other]} of {env.name}; each key kind is a "
            "different key, so one of them is probably wrong. `cio-console env test` will tell which.",
            file=sys.stderr,
        )
    print(f"ConnectionCheck it with `cio-console env test {_q(env.name)}`.")
    return EXIT_OK


def cmd_delete_key(args: argparse.Namespace, store: EnvironmentStore) -> int:
    env = store.get(args.name)
    label = KEY_LABEL[args.kind]
    if store.delete_key(env.name, args.kind):
        print(f"Removed the {label} of {env.name} from the OS keyring.")
    else:
        print(f"The {label} of {env.name} was not set; nothing to remove.")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace, store: EnvironmentStore) -> int:
    env = store.get(args.name)
    if not args.yes:
        if not (sys.stdin is not None and sys.stdin.isatty()):
            return _fail(
                f"deleting {env.name} removes its settings and its keys from the OS keyring; "
                "add --yes to confirm (nothing was deleted)"
            )
        typed = input(f"Type {env.name} to delete it and its keys: ").strip()
        if typed != env.name:
            return _fail("the name did not match; nothing was deleted")
    store.delete(env.name)
    print(f"Deleted {env.name} and its keys.")
    return EXIT_OK


# -- the connection test -------------------------------------------------------------------
def cmd_test(args: argparse.Namespace, store: EnvironmentStore) -> int:
    import asyncio

    from console.environments.store import credentials_for, env_overrides

    # Not strict, like `send --env`: without a keyring the keys the CIO_* variables supply are
    # tested and the others are reported as not set (the checks skip them and say why).
    creds = credentials_for(args.name, store=store)
    overrides = env_overrides()
    if overrides:
        print(
            f"note: {', '.join(overrides)} override{'s' if len(overrides) == 1 else ''} the stored settings "
            f"of {creds.name}",
            file=sys.stderr,
        )
    if creds.keyring_problem:
        print(
            f"note: the OS keyring could not be read ({creds.keyring_problem.rstrip('.')}); only the keys in "
            f"{', '.join(ENV_KEYS.values())} are tested",
            file=sys.stderr,
        )
    if not (creds.track_key or creds.app_key or creds.write_key):
        if creds.keyring_problem:
            return _fail(
                f"{creds.name} has no keys to test: the OS keyring cannot be read, and none of "
                f"{', '.join(ENV_KEYS.values())} is set; set the keys to test in those variables"
            )
        return _fail(
            f"{creds.name} has no keys to test; store one with "
            f"`cio-console env set-key {_q(creds.name or '')} track|app|write`"
        )
    checks = asyncio.run(_run_test(creds, args.timeout))
    if args.json:
        print_json(
            {
                "environment": creds.name,
                "region": creds.region.value,
                "checks": [
                    {"name": c.name, "key": c.key, "status": c.status, "detail": c.detail, "fix": c.fix or None}
                    for c in checks
                ],
            }
        )
    else:
        print(f"Connection test: {creds.name} (region {creds.region.value.upper()}, Site ID {creds.site_id or '-'})")
        for c in checks:
            print(f"  {c.status.upper():<4}  {c.name}")
            print(f"        {c.detail}")
            if c.fix and c.ok is False:
                print(f"        Fix: {c.fix}")
    if any(c.network for c in checks):
        return EXIT_NETWORK
    if any(c.ok is False for c in checks):
        return EXIT_API_ERROR
    return EXIT_OK


async def _run_test(creds: Credentials, timeout: float | None) -> list[ConnectionCheck]:
    from console.diagnose.connection_test import run_connection_test
    from console.wire.transport import make_client

    async with make_client(timeout=timeout) as client:
        return await run_connection_test(creds, client)


# -- helpers -------------------------------------------------------------------------------
def _q(name: str) -> str:
    import shlex

    return shlex.quote(name)


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return EXIT_INVALID


HANDLERS = {
    "list": cmd_list,
    "show": cmd_show,
    "add": cmd_add,
    "set": cmd_set,
    "rename": cmd_rename,
    "set-key": cmd_set_key,
    "delete-key": cmd_delete_key,
    "delete": cmd_delete,
    "test": cmd_test,
}
