"""The nginx configuration deploy/serve.py renders, read back as nginx would parse it."""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deploy.nginx import (
    COOKIE,
    GZIP_TYPES,
    NginxError,
    ProxyConfig,
    find_nginx,
    nginx_command,
    render_config,
    write_config,
)
from geo.paths import ROOT

SERVERS = ("127.0.0.1:8601", "127.0.0.1:8602", "10.0.0.7:8501")


@dataclass
class Block:
    """One directive: its arguments and, for a block, the directives inside."""

    name: str
    args: list[str]
    children: list[Block] = field(default_factory=list)

    def all(self, name: str) -> list[Block]:
        return [c for c in self.children if c.name == name]

    def one(self, name: str) -> Block:
        found = self.all(name)
        assert len(found) == 1, f"{name}: {len(found)} in {self.name} {self.args}"
        return found[0]

    def values(self, name: str) -> list[list[str]]:
        return [c.args for c in self.all(name)]

    def location(self, *args: str) -> Block:
        return next(c for c in self.all("location") if c.args == list(args))

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def parse(text: str) -> Block:
    """Just enough of nginx's grammar for this file: directives, blocks, quotes and comments."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";{}")
    lexer.whitespace_split = True
    root = Block("", [])
    stack, words = [root], []
    for token in lexer:
        if token == ";":
            stack[-1].children.append(Block(words[0], words[1:]))
            words = []
        elif token == "{":
            block = Block(words[0], words[1:])
            stack[-1].children.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            assert not words, words
            stack.pop()
        else:
            words.append(token)
    assert len(stack) == 1 and not words
    return root


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return tmp_path / "run"


@pytest.fixture
def config(run_dir: Path) -> ProxyConfig:
    return ProxyConfig(
        run_dir=run_dir,
        servers=SERVERS,
        listen="0.0.0.0:8080",
        streamlit_static=Path("/opt/streamlit/static"),
        app_static=ROOT / "static",
    )


@pytest.fixture
def conf(config: ProxyConfig) -> Block:
    return parse(render_config(config))


def server_block(conf: Block) -> Block:
    return conf.one("http").one("server")


def proxied_locations(conf: Block) -> list[Block]:
    return [loc for loc in server_block(conf).all("location") if loc.all("proxy_pass")]


def headers(location: Block) -> dict[str, str]:
    return {args[0]: args[1] for args in location.values("add_header")}


def test_the_upstream_lists_every_worker_with_a_passive_health_check(conf):
    upstream = conf.one("http").one("upstream")
    assert upstream.args == ["atlas_workers"]
    assert upstream.one("zone").args[0] == "atlas_workers"  # failures seen by every nginx process
    servers = upstream.values("server")
    assert [s[0] for s in servers] == list(SERVERS)
    for server in servers:
        assert "max_fails=1" in server and any(a.startswith("fail_timeout=") for a in server)


def test_sessions_stick_by_cookie_not_by_address(conf):
    http = conf.one("http")
    upstream = http.one("upstream")
    assert upstream.values("hash") == [["$atlas_sticky", "consistent"]]
    assert not upstream.all("ip_hash")
    maps = {tuple(m.args): {c.name: c.args for c in m.children} for m in http.all("map")}
    sticky = maps[(f"$cookie_{COOKIE}", "$atlas_sticky")]
    assert sticky == {"": ["$request_id"], "default": [f"$cookie_{COOKIE}"]}
    set_cookie = maps[(f"$cookie_{COOKIE}", "$atlas_set_cookie")]
    assert set_cookie["default"] == [""]
    assert set_cookie[""][0].startswith(f"{COOKIE}=$request_id; Path=/")
    assert "HttpOnly" in set_cookie[""][0]


def test_every_location_sets_the_cookie_and_names_the_worker(conf):
    # add_header in a location hides the server's, so each location must repeat them.
    for location in server_block(conf).all("location"):
        assert headers(location).get("Set-Cookie") == "$atlas_set_cookie", location.args
        assert headers(location).get("X-Upstream") == "$upstream_addr", location.args


def test_every_proxied_request_forwards_the_client_and_fails_over(conf):
    locations = proxied_locations(conf)
    assert len(locations) >= 6
    for location in locations:
        forwarded = {args[0]: args[1] for args in location.values("proxy_set_header")}
        assert forwarded["Host"] == "$http_host"
        assert forwarded["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
        assert forwarded["X-Forwarded-Proto"] == "$scheme"
        retry = ["error", "timeout", "http_502", "http_503"] + (["http_404"] if location.args == ["/media/"] else [])
        assert location.values("proxy_next_upstream") == [retry], location.args
        assert location.one("proxy_pass").args[0].startswith("http://atlas_workers")


def test_the_websocket_is_upgraded_and_kept_open(conf):
    stream = server_block(conf).location("=", "/_stcore/stream")
    forwarded = {args[0]: args[1] for args in stream.values("proxy_set_header")}
    assert forwarded["Upgrade"] == "$http_upgrade"
    assert forwarded["Connection"] == "$atlas_connection"
    assert stream.one("proxy_http_version").args == ["1.1"]
    assert stream.one("proxy_read_timeout").args == ["1d"]
    upgrade = next(m for m in conf.one("http").all("map") if m.args == ["$http_upgrade", "$atlas_connection"])
    assert {c.name: c.args for c in upgrade.children} == {"default": ["upgrade"], "": ["close"]}


def test_streamlit_front_end_is_compressed_except_what_is_compressed_already(conf):
    http = conf.one("http")
    assert http.one("gzip").args == ["on"]
    assert http.one("gzip_proxied").args == ["any"]
    types = http.one("gzip_types").args
    for mime in ("application/javascript", "text/css", "application/json", "image/svg+xml"):
        assert mime in types
    assert "font/woff2" not in types and "image/png" not in types
    assert types == list(GZIP_TYPES)


def test_cache_headers_by_kind_of_file(conf):
    server = server_block(conf)
    immutable = "public, max-age=31536000, immutable"
    assert headers(server.location("/static/"))["Cache-Control"] == immutable
    assert headers(server.location("@streamlit_static"))["Cache-Control"] == immutable
    assert headers(server.location("/app/static/"))["Cache-Control"] == "public, max-age=86400"
    for args in (("/",), ("/_stcore/",), ("=", "/healthz")):
        location = server.location(*args)
        assert headers(location)["Cache-Control"] == "no-cache", args
        assert location.values("proxy_hide_header") == [["Cache-Control"]], args


def test_static_files_come_from_disk_and_fall_back_to_a_worker(conf, config):
    server = server_block(conf)
    static = server.location("/static/")
    assert static.one("root").args == [str(config.streamlit_static)]
    assert static.one("try_files").args == ["$uri", "@streamlit_static"]
    app = server.location("/app/static/")
    assert app.one("alias").args == [f"{config.app_static}/"]
    assert app.one("try_files").args == ["$uri", "@app_static"]


def test_without_a_local_streamlit_static_files_are_proxied(config):
    conf = parse(render_config(ProxyConfig(run_dir=config.run_dir, servers=SERVERS)))
    server = server_block(conf)
    static = server.location("/static/")
    assert static.one("proxy_pass").args == ["http://atlas_workers"]
    assert headers(static)["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.values("proxy_hide_header") == [["Cache-Control"]]


def test_health_check_on_the_proxy_asks_a_worker(conf):
    health = server_block(conf).location("=", "/healthz")
    assert health.one("proxy_pass").args == ["http://atlas_workers/_stcore/health"]


def test_everything_nginx_writes_is_in_the_run_directory(conf, run_dir):
    assert conf.one("daemon").args == ["off"]
    written = [conf.one("pid"), conf.one("error_log")]
    http = conf.one("http")
    written += [http.one(name) for name in ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path")]
    written += [http.one(name) for name in ("uwsgi_temp_path", "scgi_temp_path", "access_log")]
    for directive in written:
        assert Path(directive.args[0]).is_relative_to(run_dir), directive
    assert not any(str(arg).startswith(("/var/", "/run/", "/etc/")) for b in conf.walk() for arg in b.args)


def test_listen_body_size_and_user(conf, config):
    server = server_block(conf)
    assert server.one("listen").args == ["0.0.0.0:8080"]
    size = conf.one("http").one("client_max_body_size").args[0]
    assert re.fullmatch(r"\d+m", size) and 1 <= int(size[:-1]) <= 200
    assert not conf.all("user")
    as_root = parse(render_config(ProxyConfig(run_dir=config.run_dir, servers=SERVERS, user="root root")))
    assert as_root.one("user").args == ["root", "root"]


def test_a_path_nginx_would_misread_is_refused(tmp_path):
    with pytest.raises(ValueError, match="nginx cannot use"):
        render_config(ProxyConfig(run_dir=tmp_path / "a;b", servers=SERVERS))
    with pytest.raises(ValueError, match="at least one worker"):
        render_config(ProxyConfig(run_dir=tmp_path, servers=()))


def test_nginx_accepts_the_configuration(config):
    try:
        nginx = find_nginx()
    except NginxError:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    write_config(config)
    result = subprocess.run(nginx_command(nginx, config.run_dir, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_missing_nginx_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_NGINX", str(tmp_path / "no-nginx"))
    with pytest.raises(NginxError, match="apt-get install nginx"):
        find_nginx()
