"""What the benchmarks share: the machine they ran on, a sandbox in its own process
(optionally over HTTPS with a throw-away certificate), and timing helpers.

The sandbox runs in a separate process so that it never competes with the client being
measured for the same interpreter lock.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CIO = str(Path(sys.executable).with_name("cio-console"))


def compile_project() -> None:
    """Byte-compile the project's modules, as pip does when it installs the package.

    An editable install compiles them on first import, unless PYTHONDONTWRITEBYTECODE is
    set (as on some CI machines): then every process would compile ~40 modules again
    (~70 ms), which a user's installed copy never does.
    """
    import compileall

    for package in ("console", "screens"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )


def ratio_line(name: str, ratio: float, goal: str, detail: str) -> str:
    return f"RATIO {name}: {ratio:.2f}x ({detail}; goal {goal})"


def self_signed_cert(directory: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and localhost, made with the openssl command line."""
    if shutil.which("openssl") is None:
        raise SystemExit("this benchmark needs the openssl command to make a test certificate")
    cert, key = directory / "sandbox.pem", directory / "sandbox.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


class Sandbox:
    def __init__(self, root_url: str, env: dict[str, str], cafile: str | None, pid: int | None = None) -> None:
        self.root_url = root_url
        self.env = env  # CIO_* variables for the batch client
        self.cafile = cafile
        self.pid = pid  # the sandbox's process, for memory measures

    @property
    def port(self) -> int:
        return int(self.root_url.rsplit(":", 1)[1])

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        import ssl

        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.root_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        context = ssl.create_default_context(cafile=self.cafile) if self.cafile else None
        with urllib.request.urlopen(req, context=context, timeout=60) as resp:
            return json.loads(resp.read() or b"null")

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset", {"demo_data": False})

    def fault(self, **fields) -> None:
        self._call("POST", "/_sandbox/faults", fields)

    def requests(self) -> list[dict]:
        return self._call("GET", "/_sandbox/requests")["requests"]

    def state(self) -> dict:
        return self._call("GET", "/_sandbox/state")


@contextmanager
def sandbox(tls: bool = False) -> Iterator[Sandbox]:
    """`cio-console sandbox` on a free loopback port, in its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [CIO, "sandbox", "--port", "0", "--no-demo-data"]
        cafile = None
        if tls:
            cafile, key = self_signed_cert(Path(tmp))
            args += ["--tls-cert", cafile, "--tls-key", key]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            env: dict[str, str] = {}
            root = None
            for line in proc.stdout:  # the banner ends with "Press Ctrl-C to stop."
                line = line.strip()
                if line.startswith("export "):
                    name, _, value = line[len("export ") :].partition("=")
                    env[name] = value
                if line.startswith("Press Ctrl-C"):
                    break
            root = env.get("CIO_TRACK_URL", "").rsplit("/", 1)[0]
            if not root:
                raise SystemExit(f"the sandbox did not start: {proc.stderr.read()}")
            if cafile:
                env["SSL_CERT_FILE"] = cafile  # the batch verifies the sandbox's certificate
            yield Sandbox(root, env, cafile, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def write_identify_rows(path: Path, n: int, prefix: str = "bench") -> list[dict]:
    rows = [{"customer_identifier": f"{prefix}{i}", "traits": {"plan": "pro", "row": i}} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def run_timed(
    args: list[str], env: dict[str, str] | None = None, unset: tuple[str, ...] = ()
) -> tuple[float, subprocess.CompletedProcess]:
    full = {k: v for k, v in os.environ.items() if k not in unset}
    full.update(env or {})
    start = time.perf_counter()
    done = subprocess.run(args, env=full, capture_output=True, text=True)
    return time.perf_counter() - start, done


def median_time(args: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        elapsed, done = run_timed(args, env)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
        times.append(elapsed)
    return statistics.median(times)
