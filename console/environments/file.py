"""The environments file: the Environment record, the checks on its values, and
reading and writing `environments.toml` (no secret ever goes in it).

The file lives under platformdirs' user config dir for `cio-console`. It is written
atomically (a temporary file, then a rename), owner-only: 0600 in a 0700 directory.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import ConfigurationError, InputError
from console.wire.apis import API, Region, parse_region
from console.wire.credentials import KEY_LABEL, Credentials

APP_NAME = "cio-console"
CONFIG_FILE = "environments.toml"
DEFAULT_NAMES = ("Editor", "Staging", "Production")
PROTECTED_BY_DEFAULT = frozenset({"Production"})

# Letters, digits, space, dot, dash, underscore; no ':' (it separates the keyring
# entry name) and nothing a shell or a TOML key would need quoting tricks for.
NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,38}[A-Za-z0-9._-])?$")
NAME_RULE = "1-40 characters: letters, digits, space, '.', '-', '_' (starting with a letter or digit)"
HEADER = (
    "# cio-console environments. No keys here: they live in the OS keyring\n"
    '# (service "cio-console"). Edit with `cio-console env ...` or the console.\n\n'
)


@dataclass
class Environment:
    name: str
    region: Region
    site_id: str | None
    protected: bool
    sandbox_root: str | None = None
    urls: dict[API, str] = field(default_factory=dict)

    def base_url(self, api: API) -> str:
        return Credentials(region=self.region, sandbox_root=self.sandbox_root, urls=self.urls).base_url(api)

    @property
    def custom_hosts(self) -> bool:
        return bool(self.sandbox_root or self.urls)

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"region": self.region.value, "protected": self.protected}
        if self.site_id:
            data["site_id"] = self.site_id
        if self.sandbox_root:
            data["sandbox_root"] = self.sandbox_root
        if self.urls:
            data["urls"] = {api.value: url for api, url in self.urls.items()}
        return data

    @classmethod
    def from_toml(cls, name: str, data: Mapping[str, Any], where: str) -> Environment:
        if not isinstance(data, Mapping):
            raise ConfigFileError(f"{where}: [environments.{name}] must be a table")
        try:
            region = parse_region(str(data.get("region", "us")))
            urls = {API(k): check_url(str(v), f"urls.{k}") for k, v in dict(data.get("urls") or {}).items()}
            root = data.get("sandbox_root")
            return cls(
                name=name,
                region=region,
                site_id=check_site_id(data.get("site_id")),
                protected=bool(data.get("protected", False)),
                sandbox_root=check_url(str(root), "sandbox_root") if root else None,
                urls=urls,
            )
        except ValueError as exc:
            raise ConfigFileError(f"{where}: environment {name!r}: {exc}", field=getattr(exc, "field", None)) from None


class ConfigFileError(ConfigurationError, ValueError):
    """The environments file cannot be read; the message names the file and the problem."""


class InvalidSetting(InputError, ValueError):
    """A setting of an environment that cannot be stored. `field` names it: "name",
    "site_id", "urls", or the kind of a key ("track", "app", "write")."""


def default_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def defaults() -> list[Environment]:
    return [Environment(n, Region.US, None, n in PROTECTED_BY_DEFAULT) for n in DEFAULT_NAMES]


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InvalidSetting(f"environment name {name!r} is not valid: use {NAME_RULE}", field="name")
    return name


def check_site_id(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if any(c.isspace() for c in text) or ":" in text or not text.isprintable():
        raise InvalidSetting(
            f"Site ID {text!r} is not valid: it has no spaces or ':' "
            "(copy it from Settings > Workspace Settings > API Credentials)",
            field="site_id",
        )
    return text


def check_url(value: str, what: str) -> str:
    text = value.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", text):
        raise InvalidSetting(
            f"{what} {value!r} is not a URL: use http(s)://host[:port][/path]",
            field="sandbox_root" if what == "sandbox_root" else "urls",
        )
    return text


def check_key(kind: str, value: str) -> str:
    """A key about to be stored (prompt, stdin, the environment screen): the rules of
    `console.wire.credentials.clean_key`, and it must not be empty."""
    from console.wire.credentials import InvalidKey, clean_key

    try:
        text = clean_key(value or "", f"the {KEY_LABEL[kind]}")
    except InvalidKey as exc:
        raise InvalidKey(f"{exc} (nothing was stored)", field=kind) from None
    if not text:
        raise InvalidSetting(f"the {KEY_LABEL[kind]} is empty; nothing was stored", field=kind)
    return text


def clean_urls(urls: Mapping[API | str, str]) -> dict[API, str]:
    out: dict[API, str] = {}
    for api, url in urls.items():
        try:
            key = api if isinstance(api, API) else API(str(api).strip().lower())
        except ValueError:
            raise InvalidSetting(
                f"unknown API {api!r} for a base URL: use track, app or pipelines", field="urls"
            ) from None
        if url:
            out[key] = check_url(url, f"the {key.value} base URL")
    return out


def read_file(path: Path) -> tuple[list[Environment], str | None]:
    """The environments and the last used name; the defaults when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return defaults(), None
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    import tomllib  # read when a file is read: the console's first frame names no environment yet

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path} is not valid TOML ({exc}); fix or remove it") from None
    table = data.get("environments") or {}
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: `environments` must be a table")
    envs = [Environment.from_toml(name, body, str(path)) for name, body in table.items()]
    last = data.get("last_used")
    return envs, last if isinstance(last, str) else None


def write_file(path: Path, envs: list[Environment], last_used: str | None) -> None:
    import tomli_w

    data: dict[str, Any] = {}
    if last_used:
        data["last_used"] = last_used
    data["environments"] = {env.name: env.to_toml() for env in envs}
    _write_private(path, HEADER + tomli_w.dumps(data))


def _write_private(path: Path, text: str) -> None:
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    # mkstemp creates the file 0600; os.replace makes the write atomic.
    fd, tmp = tempfile.mkstemp(prefix=".environments-", suffix=".toml", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stored_credentials(
    env: Environment,
    keys: Mapping[str, str | None] | None = None,
    *,
    source: str | None = None,
    keyring_problem: str | None = None,
) -> Credentials:
    """A stored environment's settings with its keys (kind -> key; absent: not set): the one
    place a stored environment becomes credentials (the store, the resolver, F2's form)."""
    keys = keys or {}
    return Credentials(
        region=env.region,
        site_id=env.site_id,
        track_key=keys.get("track"),
        app_key=keys.get("app"),
        write_key=keys.get("write"),
        sandbox_root=env.sandbox_root,
        urls=dict(env.urls),
        source=source or f"environment {env.name}",
        name=env.name,
        protected=env.protected,
        keyring_problem=keyring_problem,
    )
