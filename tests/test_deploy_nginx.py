"""The nginx configuration deploy/serve.py renders, read back as nginx would parse it."""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from deploy.nginx import (
    COMPONENT_CSP,
    COOKIE,
    CSP,
    GZIP_TYPES,
    HSTS,
    SECURITY_HEADERS,
    STREAMS_PER_ADDRESS,
    UPLOAD_BURST,
    NginxError,
    ProxyConfig,
    find_nginx,
    max_upload_mb,
    name_workers,
    nginx_command,
    peer_addresses,
    render_config,
    write_config,
)
from geo.paths import ROOT
from geo.render.maps import OSM_TILES

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


def upstreams(conf: Block) -> dict[str, Block]:
    return {block.args[0]: block for block in conf.one("http").all("upstream")}


def maps(conf: Block) -> dict[tuple[str, ...], dict[str, list[str]]]:
    return {tuple(m.args): {c.name: c.args for c in m.children} for m in conf.one("http").all("map")}


def test_new_browsers_take_the_workers_in_turn_with_a_passive_health_check(conf):
    new = upstreams(conf)["atlas_new"]
    assert not new.all("hash") and not new.all("ip_hash") and not new.all("least_conn")  # round robin
    assert new.one("zone").args[0] == "atlas_workers"  # the turn and failures seen by every nginx process
    servers = new.values("server")
    assert [s[0] for s in servers] == list(SERVERS)
    for server in servers:
        assert "max_fails=1" in server and any(a.startswith("fail_timeout=") for a in server)
        assert "backup" not in server


def test_each_worker_keeps_its_browsers_and_the_others_back_it_up(conf):
    found = upstreams(conf)
    assert set(found) == {"atlas_new"} | {f"atlas_w{n}" for n in range(1, len(SERVERS) + 1)}
    for n, server in enumerate(SERVERS, 1):
        upstream = found[f"atlas_w{n}"]
        assert upstream.one("zone").args == ["atlas_workers"]
        (primary, *backups) = upstream.values("server")
        assert primary[0] == server and "backup" not in primary
        assert sorted(b[0] for b in backups) == sorted(set(SERVERS) - {server})
        assert all(b[-1] == "backup" and "max_fails=1" in b for b in backups)


def seconds(value: str) -> float:
    assert value.endswith("s"), value
    return float(value[:-1])


def test_a_dead_or_unreachable_worker_is_passed_over_at_once_and_tried_again_by_where_it_runs(config):
    """A connection refused, or not taken within the connect timeout, sends the request on to the next
    worker; a worker of this machine (which refuses at once when down) is tried again sooner than one of
    another machine (each try of which may cost a request the whole connect timeout)."""
    remote = SERVERS[-1]
    conf = parse(render_config(replace(config, remote=(remote,))))
    for location in proxied_locations(conf):
        connect = seconds(location.one("proxy_connect_timeout").args[0])
        assert 1 < connect <= 2, "a live worker may miss one SYN (Linux resends it after 1 s); no more"
        assert {"error", "timeout"} <= set(location.one("proxy_next_upstream").args), location.args
    fail_timeouts: dict[str, set[float]] = {server: set() for server in SERVERS}
    for upstream in upstreams(conf).values():
        for server in upstream.values("server"):
            options = dict(a.split("=", 1) for a in server[1:] if "=" in a)
            assert options["max_fails"] == "1"
            fail_timeouts[server[0]].add(seconds(options["fail_timeout"]))
    assert all(len(found) == 1 for found in fail_timeouts.values()), "one fail_timeout per worker, backup or not"
    local = {t for server, found in fail_timeouts.items() if server != remote for t in found}
    assert len(local) == 1 and max(local) <= 5 < min(fail_timeouts[remote])
    plain = parse(render_config(config))
    assert all(f"fail_timeout={max(local):g}s" in s for u in upstreams(plain).values() for s in u.values("server"))


def test_the_cookie_names_a_worker_and_an_unknown_one_counts_as_none(conf):
    route = maps(conf)[(f"$cookie_{COOKIE}", "$atlas_upstream")]
    assert route == {"default": ["atlas_new"], **{f"w{n}": [f"atlas_w{n}"] for n in range(1, len(SERVERS) + 1)}}
    for location in proxied_locations(conf):
        assert location.one("proxy_pass").args[0].startswith("http://$atlas_upstream"), location.args
    # No worker's address reaches a browser: the cookie's values are short names.
    assert not any(server.split(":")[0] in " ".join(route) for server in SERVERS)


def answered(conf: Block, upstream_addr: str) -> str:
    """What nginx's map makes of $upstream_addr: the name of the worker that answered, or ""."""
    names = maps(conf)[("$upstream_addr", "$atlas_answered")]
    for pattern, (name,) in names.items():
        if pattern != "default" and re.search(pattern.removeprefix("~"), upstream_addr):
            return name
    return names["default"][0]


def test_the_worker_that_answered_is_the_last_one_nginx_asked(conf):
    assert answered(conf, "127.0.0.1:8601") == "w1"
    assert answered(conf, "127.0.0.1:8601, 127.0.0.1:8602") == "w2"  # w1 failed, its backup answered
    assert answered(conf, "127.0.0.1:8602, 10.0.0.7:8501") == "w3"
    assert answered(conf, "127.0.0.1:86011") == "" and answered(conf, "27.0.0.1:8601") == ""
    assert answered(conf, "") == ""  # served from disk or by nginx itself


def set_cookie(conf: Block, cookie: str, worker: str) -> str:
    """The Set-Cookie value nginx's map makes for a browser's cookie and the worker that answered."""
    values = maps(conf)[(f"$cookie_{COOKIE}|$atlas_answered", "$atlas_set_cookie")]
    key = f"{cookie}|{worker}"
    if key in values:
        return values[key][0]
    for pattern, (value,) in values.items():
        if pattern.startswith("~") and re.search(pattern[1:], key):
            return value
    return values["default"][0].replace("$atlas_answered", worker).replace("$atlas_cookie_secure", "")


def test_the_cookie_is_set_for_a_new_browser_and_moved_after_a_failover(conf):
    placed = set_cookie(conf, "", "w2")
    assert placed.startswith(f"{COOKIE}=w2; Path=/") and "HttpOnly" in placed and "SameSite=Lax" in placed
    assert set_cookie(conf, "w1", "w1") == ""  # kept
    assert set_cookie(conf, "w1", "w3").startswith(f"{COOKIE}=w3;")  # w1 was down: w3 holds it now
    assert set_cookie(conf, "forged", "w1").startswith(f"{COOKIE}=w1;")
    assert set_cookie(conf, "w1", "") == "" and set_cookie(conf, "", "") == ""  # no worker asked
    only_new = maps(conf)[("$atlas_upstream", "$atlas_place_cookie")]
    assert only_new == {"atlas_new": ["$atlas_set_cookie"], "default": [""]}


def test_a_worker_named_by_host_is_known_by_each_of_its_addresses(config):
    from dataclasses import replace

    resolved = {"worker-a.lan:8601": ("10.0.0.5:8601", "[fd00::5]:8601"), "10.0.0.6:8601": ("10.0.0.6:8601",)}
    workers = name_workers(tuple(resolved), resolve=resolved.__getitem__)
    assert [(w.name, w.upstream, w.addresses) for w in workers] == [
        ("w1", "atlas_w1", resolved["worker-a.lan:8601"]),
        ("w2", "atlas_w2", resolved["10.0.0.6:8601"]),
    ]
    conf = parse(render_config(replace(config, servers=("127.0.0.1:8601", "[::1]:8602"))))
    assert answered(conf, "[::1]:8602") == "w2" and answered(conf, "127.0.0.1:8601, [::1]:8602") == "w2"
    assert peer_addresses("[::1]:8602") == ("[::1]:8602",)
    assert peer_addresses("localhost:8601")[0] in ("127.0.0.1:8601", "[::1]:8601")


def test_every_location_sets_the_cookie_and_the_security_headers_and_none_names_the_worker(conf):
    # add_header in a location hides the server's, so each location must repeat them.
    server = server_block(conf)
    assert headers(server) == SECURITY_HEADERS  # nginx's own answers (400, 497) outside any location
    for location in server.all("location"):
        sent = headers(location)
        if location.args != ["/media/"]:
            assert sent.get("Set-Cookie") == "$atlas_set_cookie", location.args
        policy = COMPONENT_CSP if location.args == ["/component/"] else CSP
        assert {name: sent.get(name) for name in SECURITY_HEADERS} == {
            **SECURITY_HEADERS,
            "Content-Security-Policy": policy,
        }, location.args
        assert all(args[-1] == "always" for args in location.values("add_header")), location.args
    sent_anywhere = [" ".join(block.args) for block in conf.walk() if block.name == "add_header"]
    assert not any("X-Upstream" in value or "$upstream_addr" in value for value in sent_anywhere)
    # $upstream_addr is read only to name the worker that answered (w1, w2, ...), never sent as it is.
    readers = [block for block in conf.walk() if "$upstream_addr" in " ".join(block.args)]
    assert [block.name for block in readers] == ["log_format", "map"]
    media = server.location("/media/")
    assert headers(media)["Set-Cookie"] == "$atlas_place_cookie"  # a 404 asks others: never moves the cookie
    assert "Strict-Transport-Security" not in headers(server)  # plain HTTP


def test_proxied_locations_drop_the_workers_own_security_headers(conf):
    for location in proxied_locations(conf):
        hidden = {args[0] for args in location.values("proxy_hide_header")}
        assert set(SECURITY_HEADERS) <= hidden, location.args


def test_the_policy_lets_the_app_work_and_nothing_else(conf):
    directives = dict(part.split(" ", 1) for part in CSP.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["connect-src"] == "'self'"  # the WebSocket is same-origin
    assert "'unsafe-eval'" not in directives["script-src"]
    tiles = OSM_TILES.split("/{z}")[0]
    assert tiles in directives["img-src"]  # street tiles, when a reader turns them on
    assert "http:" not in CSP and "*" not in CSP
    component = dict(part.split(" ", 1) for part in COMPONENT_CSP.split("; "))
    assert component == {**directives, "script-src": component["script-src"]}
    assert "'unsafe-eval'" in component["script-src"]
    assert SECURITY_HEADERS["Referrer-Policy"] in ("no-referrer", "strict-origin")


def test_the_access_log_redacts_a_presenters_secret_and_names_the_worker(conf):
    http = conf.one("http")
    fmt = " ".join(http.one("log_format").args[1:])
    assert "$request " not in fmt and "$request_uri" not in fmt and "$args" not in fmt
    assert "$atlas_logged_uri" in fmt and "upstream=$upstream_addr" in fmt
    assert "$http_referer" not in fmt and "$http_cookie" not in fmt
    redact = next(m for m in http.all("map") if m.args == ["$request_uri", "$atlas_logged_uri"])
    pattern, replacement = redact.children[0].name, redact.children[0].args[0]
    assert pattern.startswith("~*") and "presenter" in pattern and replacement.endswith("[redacted]")
    assert {c.name: c.args for c in redact.children}["default"] == ["$request_uri"]
    samples = {
        "/Classroom_tour?room=ABCDE&presenter=SECRET": "/Classroom_tour?room=ABCDE&presenter=[redacted]",
        "/x?streamlitUrl=http%3A%2F%2Fh%2Fp%3Froom%3DA%26Presenter%3DSECRET&a=1": (
            "/x?streamlitUrl=http%3A%2F%2Fh%2Fp%3Froom%3DA%26Presenter=[redacted]"
        ),
        "/?place=baku": "/?place=baku",
        "/presenter/path?place=x": "/presenter/path?place=x",
    }
    regex = re.compile(pattern[2:].replace("(?<atlas_kept>", "(?P<atlas_kept>"), re.IGNORECASE)
    for uri, logged in samples.items():
        found = regex.match(uri)
        assert (replacement.replace("${atlas_kept}", found.group("atlas_kept")) if found else uri) == logged


def test_limits_per_client_address(conf):
    http = conf.one("http")
    zones = {args[1].split("=")[1].split(":")[0]: args for args in http.values("limit_conn_zone")}
    assert zones["atlas_streams"][0] == "$binary_remote_addr"
    (upload_zone,) = http.values("limit_req_zone")
    assert upload_zone[0] == "$binary_remote_addr" and upload_zone[1].startswith("zone=atlas_uploads:")
    assert http.one("limit_conn_status").args == ["429"] and http.one("limit_req_status").args == ["429"]
    server = server_block(conf)
    stream = server.location("=", "/_stcore/stream")
    assert stream.one("limit_conn").args == ["atlas_streams", str(STREAMS_PER_ADDRESS)]
    assert 250 <= STREAMS_PER_ADDRESS <= 1000  # a school's phones behind one NAT address
    upload = server.location("/_stcore/upload_file/")
    assert upload.one("limit_req").args == ["zone=atlas_uploads", f"burst={UPLOAD_BURST}", "nodelay"]
    assert upload.one("client_max_body_size").args == [f"{max_upload_mb() + 1}m"]
    # Every other location is unlimited: no per-address cap on page loads of a whole class.
    limited = [loc.args for loc in server.all("location") if loc.all("limit_conn") or loc.all("limit_req")]
    assert limited == [["=", "/_stcore/stream"], ["/_stcore/upload_file/"]]


def test_enough_connections_and_files_for_a_school(conf):
    connections = int(conf.one("events").one("worker_connections").args[0])
    assert connections >= 2 * 250 * 2  # 250 sessions, each a browser's and a worker's connection, with room to spare
    assert int(conf.one("worker_rlimit_nofile").args[0]) >= 2 * connections
    http = conf.one("http")
    assert int(http.one("client_header_timeout").args[0].rstrip("s")) <= 30


def test_the_streamlit_upload_cap_is_read_from_the_apps_config(tmp_path):
    assert max_upload_mb() == 2  # .streamlit/config.toml
    (tmp_path / "config.toml").write_text("[server]\nmaxUploadSize = 50\n")
    assert max_upload_mb(tmp_path / "config.toml") == 50
    assert max_upload_mb(tmp_path / "missing.toml") == 200  # Streamlit's default


@pytest.fixture
def tls_config(config: ProxyConfig, tmp_path: Path) -> ProxyConfig:
    from tests.deployment import self_signed_certificate

    cert, key = self_signed_certificate(tmp_path / "tls")
    return ProxyConfig(
        run_dir=config.run_dir,
        servers=SERVERS,
        listen="0.0.0.0:8443",
        streamlit_static=config.streamlit_static,
        app_static=config.app_static,
        tls_cert=cert,
        tls_key=key,
        redirect_listen="0.0.0.0:8081",
    )


def test_with_tls_the_proxy_listens_with_ssl_redirects_plain_http_and_sends_hsts(tls_config):
    conf = parse(render_config(tls_config))
    http = conf.one("http")
    redirect, main = http.all("server")
    assert main.one("listen").args == ["0.0.0.0:8443", "ssl", "http2"]
    assert main.one("ssl_certificate").args == [str(tls_config.tls_cert)]
    assert main.one("ssl_certificate_key").args == [str(tls_config.tls_key)]
    assert main.one("error_page").args == ["497", "=301", "https://$host:$server_port$request_uri"]
    assert http.one("ssl_protocols").args == ["TLSv1.2", "TLSv1.3"]
    assert redirect.one("listen").args == ["0.0.0.0:8081"]
    assert redirect.one("location").one("return").args == ["301", "https://$host:8443$request_uri"]
    hsts = next(m for m in http.all("map") if m.args == ["$https", "$atlas_hsts"])
    assert {c.name: c.args for c in hsts.children} == {"on": [HSTS], "default": [""]}
    for block in [redirect, main, *main.all("location")]:
        assert headers(block)["Strict-Transport-Security"] == "$atlas_hsts", block.args
    secure = next(m for m in http.all("map") if m.args == ["$https", "$atlas_cookie_secure"])
    assert {c.name: c.args for c in secure.children} == {"on": ["; Secure"], "default": [""]}
    set_cookie = next(m for m in http.all("map") if m.args[1] == "$atlas_set_cookie")
    assert set_cookie.children[0].args[0].endswith("$atlas_cookie_secure")


def test_a_redirect_to_port_443_names_no_port(tls_config):
    from dataclasses import replace

    conf = parse(render_config(replace(tls_config, listen="0.0.0.0:443", redirect_listen="0.0.0.0:80")))
    redirect = conf.one("http").all("server")[0]
    assert redirect.one("location").one("return").args == ["301", "https://$host$request_uri"]


def test_tls_needs_a_certificate_and_its_key(tls_config):
    from dataclasses import replace

    with pytest.raises(ValueError, match="both"):
        render_config(replace(tls_config, tls_key=None))
    with pytest.raises(ValueError, match="needs TLS"):
        render_config(replace(tls_config, tls_cert=None, tls_key=None))


def test_nginx_accepts_the_tls_configuration(tls_config):
    try:
        nginx = find_nginx()
    except NginxError:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    write_config(tls_config)
    result = subprocess.run(nginx_command(nginx, tls_config.run_dir, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


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
        assert location.one("proxy_pass").args[0].startswith("http://$atlas_upstream")


def test_the_websocket_is_upgraded_and_kept_open_for_a_lesson(conf):
    stream = server_block(conf).location("=", "/_stcore/stream")
    forwarded = {args[0]: args[1] for args in stream.values("proxy_set_header")}
    assert forwarded["Upgrade"] == "$http_upgrade"
    assert forwarded["Connection"] == "$atlas_connection"
    assert stream.one("proxy_http_version").args == ["1.1"]
    # A double lesson, not a day: Streamlit pings every 30 s, so only a stuck socket is this quiet.
    assert stream.one("proxy_read_timeout").args == ["2h"]
    assert stream.one("proxy_send_timeout").args == ["2h"]
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
        assert ["Cache-Control"] in location.values("proxy_hide_header"), args


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
    assert static.one("proxy_pass").args == ["http://$atlas_upstream"]
    assert headers(static)["Cache-Control"] == "public, max-age=31536000, immutable"
    assert ["Cache-Control"] in static.values("proxy_hide_header")


def test_health_check_on_the_proxy_asks_a_worker(conf):
    health = server_block(conf).location("=", "/healthz")
    assert health.one("proxy_pass").args == ["http://$atlas_upstream/_stcore/health"]


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
