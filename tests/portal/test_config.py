import pytest

from portal import create_app


def test_env_prefixed_variables_override_config(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/other.sqlite3")
    monkeypatch.setenv("PORTAL_MAX_TRANSCRIPT_BYTES", "12345")
    monkeypatch.setenv("PORTAL_MEDIA_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("PORTAL_SEARCH_INDEX_DIR", "idx")
    app = create_app("testing", INSTANCE_PATH=str(tmp_path / "inst"))
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.sqlite3")
    assert app.config["MAX_TRANSCRIPT_BYTES"] == 12345
    assert app.config["MEDIA_DIR"] == str(tmp_path / "m")
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "inst" / "idx")


def test_defaults_live_under_instance(tmp_path):
    app = create_app("development", INSTANCE_PATH=str(tmp_path))
    assert app.config["MEDIA_DIR"] == str(tmp_path / "media")
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "search_index")
    assert app.config["MAX_TRANSCRIPT_BYTES"] == 10 * 1024 * 1024


@pytest.mark.parametrize("secret", [None, "", "dev"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path, monkeypatch, secret):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    if secret is not None:
        monkeypatch.setenv("PORTAL_SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        create_app("production", INSTANCE_PATH=str(tmp_path))


def test_production_starts_with_a_secret_its_host_names_and_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a-long-random-secret-for-this-test-only")
    with pytest.raises(RuntimeError, match="PORTAL_TRUSTED_HOSTS"):
        create_app("production", INSTANCE_PATH=str(tmp_path))
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", '["replays.example.org"]')
    app = create_app("production", INSTANCE_PATH=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True and not app.debug
    assert app.config["TRUSTED_HOSTS"] == ["replays.example.org"]
