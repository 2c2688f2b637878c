"""The proxy in front of the workers: render nginx's configuration, check it, run nginx.

nginx runs as an ordinary child process (`daemon off`) with its prefix, pid file, logs and
temporary files all in one run directory, so it needs no root-owned path and never touches
the system's nginx service.
"""

from __future__ import annotations

import grp
import importlib.util
import ipaddress
import os
import pwd
import re
import shutil
import socket
import subprocess
import tomllib
from collections.abc import Callable
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

# Sent with every response, nginx's own errors and redirects included.
# The Content-Security-Policy is what the app and the static export need, checked in Chromium
# (tests/browser/test_deploy_browser.py, test_export_browser.py): Streamlit's front end and the
# app's st.html scripts run inline, Streamlit's styles are inserted at run time, the maps live in
# same-origin and srcdoc frames with inline scripts, images come as data: and blob: URLs, the
# WebSocket is same-origin ('self' covers ws: and wss: to this host), and street tiles come from
# OpenStreetMap when a reader turns them on (geo/render/maps.py OSM_TILES). 'wasm-unsafe-eval' lets
# Streamlit's 64-bit arithmetic (long.js) try WebAssembly; it allows no JavaScript eval. Nothing
# else may load or be connected to, and no other site may frame the atlas.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob: https://tile.openstreetmap.org",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self' blob: data:",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
# The map's frame (/component/, streamlit-folium's front end) evaluates the map's layers as strings
# it gets from the server (`eval(feature_group + layer_control)`): only that frame's document may.
COMPONENT_SCRIPT_SRC = "'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'"


def csp(**changes: str) -> str:
    """The policy as one header value; `changes` replaces directives (script_src= for script-src)."""
    directives = {**CSP_DIRECTIVES, **{name.replace("_", "-"): value for name, value in changes.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CSP = csp()
COMPONENT_CSP = csp(script_src=COMPONENT_SCRIPT_SRC)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors says the same to browsers that read CSP; this one for those that do not.
    "X-Frame-Options": "SAMEORIGIN",
    # Only the origin, never a path or query (where a presenter's link keeps its secret), and
    # nothing from https to plain http. OpenStreetMap's tile servers ask for a Referer.
    "Referrer-Policy": "strict-origin",
}
# Over https only: browsers then refuse plain HTTP to this host for a year.
HSTS = "max-age=31536000"

# Limits per client address (see nginx.conf.j2): a school's phones often share one public address.
STREAMS_PER_ADDRESS = 300
UPLOAD_RATE = "2r/s"
UPLOAD_BURST = 60
# A quiet WebSocket is closed after this long; Streamlit pings every 30 s, so only a stuck one is.
WEBSOCKET_IDLE = "2h"
# Per nginx process; each proxied request is two connections (the browser's and the worker's).
WORKER_CONNECTIONS = 4096
WORKER_RLIMIT_NOFILE = 2 * WORKER_CONNECTIONS + 1024
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
# A worker that does not take a connection within this is taken for down and the request goes on to the
# next one. A worker takes a connection in the kernel, however busy its Python, in well under a millisecond
# here and a few on a school's network; Linux sends an unanswered SYN again after 1 s, so 2 s lets a live
# worker miss one (a lost packet, a full queue) without being left out. Each time nginx asks a machine that
# is off or cut off the network, its request waits this long (nginx's own default is 60 s).
CONNECT_TIMEOUT = "2s"
# One failed connection (refused, or none within CONNECT_TIMEOUT) leaves a worker out for fail_timeout, in
# each upstream that tried it; then one request tries it again. A dead worker of this machine refuses at
# once, so trying again costs nothing and deploy/serve.py has it back within seconds: 5 s. A worker of
# another machine (--upstream) may instead not answer at all, and each try costs a request CONNECT_TIMEOUT:
# 30 s. nginx keeps these failures per upstream (new browsers' atlas_new, and each worker's own).
MAX_FAILS = 1
LOCAL_FAIL_TIMEOUT = "5s"
REMOTE_FAIL_TIMEOUT = "30s"
DEFAULT_MAX_UPLOAD_MB = 200  # Streamlit's own default for server.maxUploadSize


@dataclass(frozen=True)
class Worker:
    """One worker as the proxy knows it: its short name (the cookie's value), its upstream, its addresses."""

    name: str
    server: str
    # The forms nginx writes it in $upstream_addr (a host name stands for each address it resolves to).
    addresses: tuple[str, ...]
    fail_timeout: str = LOCAL_FAIL_TIMEOUT

    @property
    def upstream(self) -> str:
        return f"atlas_{self.name}"

    @property
    def patterns(self) -> list[str]:
        """nginx regexes matching $upstream_addr when this worker answered: the last address of the list."""
        return [f"~(^| ){re.escape(address)}$" for address in self.addresses]


def peer_addresses(server: str) -> tuple[str, ...]:
    """HOST:PORT as nginx writes it in $upstream_addr: an address as given, a name as each address it resolves to."""
    host, port = server.rsplit(":", 1)
    host = host.strip("[]")
    try:
        found = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
        except OSError:
            return ()  # nginx -t names a host it cannot find
        found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    shown = (f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}" for ip in found)
    return tuple(dict.fromkeys(shown))


def name_workers(
    servers: tuple[str, ...],
    resolve: Callable[[str], tuple[str, ...]] = peer_addresses,
    remote: tuple[str, ...] = (),
) -> list[Worker]:
    """w1, w2, ... in the order given: the cookie names a worker without giving away its address. Those in
    `remote` run on another machine, which may not answer at all: nginx tries them again less often."""
    return [
        Worker(f"w{n}", server, resolve(server), REMOTE_FAIL_TIMEOUT if server in remote else LOCAL_FAIL_TIMEOUT)
        for n, server in enumerate(servers, 1)
    ]


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
    # The servers that are another machine's workers (deploy/serve.py's --upstream).
    remote: tuple[str, ...] = ()
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # With TLS: a second address (such as "0.0.0.0:80") that only redirects plain HTTP to https.
    redirect_listen: str | None = None
    streams_per_address: int = STREAMS_PER_ADDRESS
    worker_connections: int = WORKER_CONNECTIONS
    worker_rlimit_nofile: int = WORKER_RLIMIT_NOFILE

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


def max_upload_mb(config_file: Path = STREAMLIT_CONFIG) -> int:
    """Streamlit's server.maxUploadSize (MB) from the app's config, so nginx refuses what Streamlit would."""
    try:
        settings = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return DEFAULT_MAX_UPLOAD_MB
    value = settings.get("server", {}).get("maxUploadSize", DEFAULT_MAX_UPLOAD_MB)
    return value if isinstance(value, int) and value > 0 else DEFAULT_MAX_UPLOAD_MB


def port_of(listen: str) -> int:
    """The port of a listen address such as "0.0.0.0:8443", "[::]:443" or "8080"."""
    return int(listen.rsplit(":", 1)[-1])


def sent_headers(tls: bool, policy: str = CSP) -> list[tuple[str, str]]:
    """Each security header as nginx's add_header takes it: a quoted value, or HSTS's variable (empty on plain HTTP)."""
    found = [(name, f'"{value}"') for name, value in {**SECURITY_HEADERS, "Content-Security-Policy": policy}.items()]
    return found + ([("Strict-Transport-Security", "$atlas_hsts")] if tls else [])


def render_config(config: ProxyConfig) -> str:
    """The nginx.conf text for `config`, from deploy/nginx.conf.j2."""
    if not config.servers:
        raise ValueError("the upstream needs at least one worker")
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ValueError("TLS needs both a certificate and its key")
    if config.redirect_listen and not config.tls:
        raise ValueError("a plain-HTTP redirect needs TLS on the main address")
    if config.streams_per_address < 1:
        raise ValueError("streams per address must be at least 1")
    paths = [config.run_dir, config.streamlit_static, config.app_static, config.tls_cert, config.tls_key]
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
        workers=name_workers(config.servers, remote=config.remote),
        listen=config.listen,
        streamlit_static=config.streamlit_static,
        app_static=config.app_static,
        user=config.user,
        max_fails=MAX_FAILS,
        connect_timeout=CONNECT_TIMEOUT,
        tls=config.tls,
        tls_cert=config.tls_cert,
        tls_key=config.tls_key,
        redirect_listen=config.redirect_listen,
        https_port_suffix="" if port_of(config.listen) == 443 else f":{port_of(config.listen)}",
        hsts=HSTS,
        header_values=SECURITY_HEADERS,
        sent_headers=sent_headers(config.tls),
        component_headers=sent_headers(config.tls, COMPONENT_CSP),
        streams_per_address=config.streams_per_address,
        upload_rate=UPLOAD_RATE,
        upload_burst=UPLOAD_BURST,
        upload_body_max=f"{max_upload_mb() + 1}m",
        websocket_idle=WEBSOCKET_IDLE,
        worker_connections=config.worker_connections,
        worker_rlimit_nofile=config.worker_rlimit_nofile,
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
