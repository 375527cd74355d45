from kczg import config


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load_secret_key(tmp_path)
    assert len(first) == 64 and (tmp_path / "secret_key").read_text() == first
    assert config.load_secret_key(tmp_path) == first
    assert config.load_secret_key(tmp_path / "other") != first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/x")
    cfg = config.from_environment(tmp_path)
    assert cfg["SECRET_KEY"] == "from-env" and cfg["DATABASE_URL"].startswith("postgresql://")
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("SECRET_KEY")
    cfg = config.from_environment(tmp_path)
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'kczg.sqlite3'}"
    assert cfg["KCZG_TZ"] == "Asia/Shanghai"
