"""The core is headless: importing any console module, or running `send --dry-run`,
never loads Textual (README, "Architecture"; also held by the import-linter contracts in pyproject.toml)."""

import json
import os
import pkgutil
import subprocess
import sys

import console


def _run(code: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )


def test_importing_every_console_module_leaves_textual_out():
    names = [m.name for m in pkgutil.walk_packages(console.__path__, "console.")]
    assert "console.wire.transport" in names and "console.cli.send_cmd" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens'))\n"
        "print(bad)\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_send_dry_run_does_not_import_textual():
    code = (
        "import sys\n"
        "from screens.launcher import main\n"
        "rc = main(['send', 'identify-customer', '--input', '{\"customer_identifier\": \"u1\"}', '--dry-run'])\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', rc)\n"
    )
    result = _run(code, {"CIO_SITE_ID": "s", "CIO_TRACK_API_KEY": "trackkey123"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "CLEAN 0"
    assert json.loads("\n".join(lines[:-1]))["method"] == "PUT"
