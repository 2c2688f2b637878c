"""The proxy in front of the workers: render nginx's configuration, check it, run nginx.

nginx runs as an ordinary child process (`daemon off`) with its prefix, pid file, logs and
temporary files all in one run directory, so it needs no root-owned path and never touches
the system's nginx service.
"""

from __future__ import annotations

import grp
import importlib.util
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jinja2

DEPLOY_DIR = Path(__file__).resolve().parent
ROOT = DEPLOY_DIR.parent
TEMPLATE = "nginx.conf.j2"
NGINX_PATHS = (Path("/usr/sbin/nginx"),)
INSTALL_HINT = "nginx is not installed: apt-get install nginx (or set ATLAS_NGINX to its path)"

COOKIE = "atlas_worker"
# Streamlit's /static/ files carry a hash of their content in their names.
IMMUTABLE = "public, max-age=31536000, immutable"
APP_CACHE = "public, max-age=86400"
NO_CACHE = "no-cache"
# What Streamlit and the app send that compresses, downloads (CSV, GeoJSON) included.
# nginx always compresses text/html; WOFF2 fonts and PNG images are compressed already.
GZIP_TYPES = (
    "application/javascript",
    "text/javascript",
    "text/css",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/plain",
    "text/xml",
    "text/csv",
    "application/geo+json",
)
# nginx's own types for the files it serves from disk (a subset of Debian's mime.types).
MIME_TYPES = {
    "text/html": "html htm",
    "text/css": "css",
    "application/javascript": "js mjs",
    "application/json": "json map",
    "application/manifest+json": "webmanifest",
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/x-icon": "ico",
    "font/woff": "woff",
    "font/woff2": "woff2",
    "font/ttf": "ttf",
    "font/otf": "otf",
    "application/wasm": "wasm",
    "text/plain": "txt",
}
UNSAFE_PATH_CHARS = set('"$;{}\n\\')


class NginxError(RuntimeError):
    """nginx is missing or refuses the configuration."""


@dataclass(frozen=True)
class ProxyConfig:
    """What the configuration needs to know: where to listen, where the workers are, where to write."""

    run_dir: Path
    servers: tuple[str, ...]
    listen: str = "8080"
    streamlit_static: Path | None = None
    app_static: Path | None = None
    user: str | None = None
    max_fails: int = 1
    fail_timeout: str = "10s"


def render_config(config: ProxyConfig) -> str:
    """The nginx.conf text for `config`, from deploy/nginx.conf.j2."""
    if not config.servers:
        raise ValueError("the upstream needs at least one worker")
    paths = [config.run_dir, config.streamlit_static, config.app_static]
    for path in paths:
        if path is not None and UNSAFE_PATH_CHARS & set(str(path)):
            raise ValueError(f"nginx cannot use this path: {path}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(DEPLOY_DIR),
        autoescape=False,  # nginx syntax, not HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(
        run_dir=config.run_dir,
        servers=config.servers,
        listen=config.listen,
        streamlit_static=config.streamlit_static,
        app_static=config.app_static,
        user=config.user,
        max_fails=config.max_fails,
        fail_timeout=config.fail_timeout,
        cookie=COOKIE,
        immutable=IMMUTABLE,
        app_cache=APP_CACHE,
        no_cache=NO_CACHE,
        gzip_types=GZIP_TYPES,
        types=MIME_TYPES,
    )


def find_nginx() -> Path:
    """Debian's nginx, or the one named by ATLAS_NGINX or found on PATH."""
    named = os.environ.get("ATLAS_NGINX")
    candidates = [Path(named)] if named else [*NGINX_PATHS]
    if not named and (on_path := shutil.which("nginx")):
        candidates.append(Path(on_path))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise NginxError(INSTALL_HINT)


def streamlit_static_dir() -> Path | None:
    """The installed Streamlit front end (its index.html and static/), without importing Streamlit."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if (folder / "static").is_dir() else None


def worker_user() -> str | None:
    """The `user` directive when running as root: nginx's workers would otherwise run as nobody."""
    if os.geteuid() != 0:
        return None
    return f"{pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name}"


def prepare_run_dir(run_dir: Path) -> None:
    for sub in ("logs", "temp"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)


def write_config(config: ProxyConfig) -> Path:
    prepare_run_dir(config.run_dir)
    path = config.run_dir / "nginx.conf"
    path.write_text(render_config(config), encoding="utf-8")
    return path


def nginx_command(nginx: Path, run_dir: Path, *extra: str) -> list[str]:
    """Run nginx with every path in run_dir; -e also moves the log nginx opens before reading the file."""
    conf = run_dir / "nginx.conf"
    return [str(nginx), "-p", f"{run_dir}/", "-c", str(conf), "-e", str(run_dir / "logs" / "error.log"), *extra]


def check_config(nginx: Path, run_dir: Path) -> None:
    """`nginx -t` on the rendered file, so a mistake stops serve.py with nginx's own message."""
    result = subprocess.run(nginx_command(nginx, run_dir, "-t", "-q"), capture_output=True, text=True)
    if result.returncode != 0:
        log = run_dir / "logs" / "error.log"
        detail = result.stderr.strip() or (log.read_text(errors="replace")[-2000:] if log.exists() else "")
        raise NginxError(f"nginx refused {run_dir / 'nginx.conf'}:\n{detail}")
