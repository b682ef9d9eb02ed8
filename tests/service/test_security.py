"""Safety of the service: Host and token checks, cross-site refusals, limits, escaping, no tracebacks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kgsynth.errors import ConfigError
from kgsynth.service import ServiceSettings, create_app
from kgsynth.service.security import CSP
from tests.service.conftest import make_settings, run_all, upload


def test_unknown_host_header_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/health", headers={"host": "attacker.example"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith('Host "attacker.example" is not served here')


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://attacker.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_cross_site_post_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/tasks/extraction", json={"uploads": ["0" * 64]}, headers=headers)
    assert response.status_code == 403
    assert "cross-site POST refused" in response.json()["detail"]


def test_same_origin_post_passes_the_check(client: TestClient) -> None:
    headers = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    response = client.post("/api/v1/tasks/extraction", json={"uploads": ["0" * 64]}, headers=headers)
    assert response.status_code == 404  # past the check: the upload does not exist


def test_token_is_needed_on_every_request_when_set(tmp_path) -> None:
    settings = make_settings(tmp_path, token="s3cret")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/health").status_code == 401
        assert client.get("/api/v1/health", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/v1/health", headers={"authorization": "Bearer s3cret"}).status_code == 200
        signed_in = client.get("/tasks", params={"token": "s3cret"})
        assert signed_in.status_code == 200
        assert client.get("/tasks").status_code == 200  # the cookie the sign-in set


def test_non_loopback_bind_needs_a_token(tmp_path) -> None:
    settings = ServiceSettings.for_store(str(tmp_path / "kg.db"), host="0.0.0.0", token=None)
    with pytest.raises(ConfigError, match="set KGSYNTH_API_TOKEN"):
        settings.check_bind()
    ServiceSettings.for_store(str(tmp_path / "kg.db"), host="0.0.0.0", token="t").check_bind()


def test_oversized_upload_is_413_and_leaves_nothing(tmp_path) -> None:
    settings = make_settings(tmp_path, max_upload_bytes=1000)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/uploads", files=[("files", ("big.txt", b"x" * 5000, "text/plain"))])
        small = client.post("/api/v1/uploads", files=[("files", ("ok.txt", b"x" * 900, "text/plain"))])
    assert response.status_code == 413
    assert small.status_code == 201
    assert [p.name for p in (settings.data_dir / "uploads").iterdir() if p.suffix == ".txt"] == [
        small.json()[0]["stored_as"]
    ]


def test_upload_name_is_never_a_path(client: TestClient, settings) -> None:
    response = client.post("/api/v1/uploads", files=[("files", ("../../evil.txt", b"hello", "text/plain"))])
    stored = response.json()[0]
    assert stored["stored_as"] == f"{stored['sha256']}.txt"
    assert (settings.data_dir / "uploads" / stored["stored_as"]).read_bytes() == b"hello"
    assert not (settings.data_dir / "evil.txt").exists()
    assert stored["name"] == "../../evil.txt"


def test_upload_of_an_unread_type_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/uploads", files=[("files", ("run.exe", b"MZ", "application/octet-stream"))]
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith('upload "run.exe": type ".exe" is not accepted.')


def test_every_response_carries_the_csp_without_inline_script(client: TestClient) -> None:
    response = client.get("/tasks")
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_unexpected_error_sends_no_traceback(settings) -> None:
    app = create_app(settings)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.json()["detail"].startswith("internal error ")


def test_document_with_script_is_shown_as_text(client: TestClient, settings, tmp_path) -> None:
    payload = '<script>alert(1)</script> <img src=x onerror="alert(2)"> Metformin treats type 2 diabetes.'
    doc = tmp_path / "xss.txt"
    doc.write_text(payload, encoding="utf-8")
    shas = upload(client, doc)
    task = client.post("/api/v1/tasks/extraction", json={"uploads": shas}).json()
    run_all(settings)
    relation = client.get(f"/api/v1/graphs/task-{task['id']}/relations").json()["items"][0]
    document = relation["evidence"][0]["document_id"]
    page = client.get(
        f"/graphs/task-{task['id']}/documents/{document}", params={"relation": relation["id"]}
    ).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_openapi_lists_only_the_json_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)


def test_pages_reference_no_external_url(client: TestClient) -> None:
    import re

    for url in ("/tasks", "/new/extraction", "/new/synthesis", "/new/factcheck", "/datasets"):
        html = client.get(url).text
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), url


def test_an_html_error_is_a_page_with_the_message_escaped(client: TestClient) -> None:
    response = client.get("/tasks/999")
    assert response.status_code == 404
    assert '<p class="error" id="error">task 999 does not exist.</p>' in response.text
    assert client.get("/graphs/<b>x</b>").text.count("<b>x</b>") == 0
