import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Transcript, User, Webinar
from tests.conftest import CORPUS, SAMPLE_VTT
from tests.media_meta.test_vtt import MALFORMED, OUTCOMES


def test_init_is_idempotent(runner):
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0 and "Base prête" in result.output


def test_init_creates_the_search_index_once(runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and "Index de recherche créé : 0 webinaire(s)" in first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "Index de recherche créé" not in again.output


@pytest.mark.parametrize("with_init", [True, False], ids=["init-first", "import-alone"])
def test_the_first_search_after_importing_a_catalogue_finds_what_was_imported(app, runner, with_init, tmp_path):
    from tests.conftest import DEMO

    if with_init:
        assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["import-catalogue", str(DEMO / "catalogue.json")]).exit_code == 0
    client = app.test_client()
    data = client.get("/api/v1/search?q=plainte").get_json()
    assert data["total_hits"] > 0 and not data.get("notices")
    assert runner.invoke(args=["check-index"]).output.strip() == "Index conforme à la base."
    # and a transcript imported afterwards is searchable when the command returns
    path = tmp_path / "v2.vtt"
    path.write_text(SAMPLE_VTT.replace("Bienvenue", "Ornithorynque"), encoding="utf-8")
    assert runner.invoke(args=["import-transcript", "session-2-loi", str(path)]).exit_code == 0
    assert client.get("/api/v1/search?q=ornithorynque").get_json()["total_hits"] == 1
    assert runner.invoke(args=["check-index"]).output.strip() == "Index conforme à la base."


def test_load_demo_twice_reports_unchanged(runner):
    first = runner.invoke(args=["load-demo"])
    second = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0 and "4 créé(s)" in first.output
    assert second.exit_code == 0 and "4 inchangé(s)" in second.output


def test_import_transcript_of_a_latin1_file_says_it_was_converted(app, runner, make_webinar, tmp_path):
    make_webinar("essai", transcript=SAMPLE_VTT)
    path = tmp_path / "latin1.vtt"
    path.write_bytes(SAMPLE_VTT.encode("latin-1"))
    result = runner.invoke(args=["import-transcript", "essai", str(path)])
    assert result.exit_code == 0, result.output
    assert "attention : fichier converti depuis Latin-1 (ISO-8859-1) : vérifiez les accents" in result.output
    with app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert webinar.active_transcript.raw == path.read_bytes()
    assert "Bienvenue à ce webinaire sur le harcèlement en ligne." in app.test_client().get("/webinars/essai").get_data(as_text=True)


def test_import_transcript_makes_a_new_active_version(app, runner, make_webinar, tmp_path):
    make_webinar("essai", transcript=SAMPLE_VTT)
    path = tmp_path / "v2.vtt"
    path.write_text(SAMPLE_VTT.replace("Bienvenue", "Salut"), encoding="utf-8")
    result = runner.invoke(args=["import-transcript", "essai", str(path)])
    assert result.exit_code == 0, result.output
    assert "version 2 active" in result.output
    with app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert webinar.active_transcript.version == 2
        assert webinar.active_transcript.original_filename == "v2.vtt"


def rejected_corpus_files():
    return sorted(name for name, outcome in OUTCOMES.items() if outcome[0] == "reject")


@pytest.mark.parametrize("name", rejected_corpus_files() + [f"own:{k}" for k in sorted(MALFORMED)])
def test_rejected_file_changes_nothing_and_prints_file_line_reason(app, runner, make_webinar, tmp_path, name):
    make_webinar("essai", transcript=SAMPLE_VTT)
    if name.startswith("own:"):
        raw, line, _code, _words = MALFORMED[name[4:]]
        path = tmp_path / "bad.vtt"
        path.write_bytes(raw)
    else:
        line = OUTCOMES[name][1]
        path = CORPUS / name
    with app.app_context():
        before = [(t.id, t.version, t.sha256) for t in db.session.scalars(select(Transcript))]
    result = runner.invoke(args=["import-transcript", "essai", str(path)])
    assert result.exit_code == 1
    expected_prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert result.stderr.startswith(expected_prefix), result.stderr
    with app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert [(t.id, t.version, t.sha256) for t in db.session.scalars(select(Transcript))] == before
        assert webinar.active_transcript.version == 1
        assert webinar.active_transcript.cues[0].text.startswith("Bienvenue")


def test_import_transcript_for_unknown_webinar(runner, tmp_path):
    path = tmp_path / "x.vtt"
    path.write_text(SAMPLE_VTT)
    result = runner.invoke(args=["import-transcript", "inconnu", str(path)])
    assert result.exit_code == 1 and "inconnu" in result.stderr


def test_create_user_reads_password_from_stdin_and_hashes_it(app, runner):
    result = runner.invoke(args=["create-user", "Admin@Example.org", "--role", "admin"], input="un mot de passe assez long\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "admin@example.org" and user.role == "admin"
        assert user.password_hash.startswith("scrypt:") and "assez long" not in user.password_hash


@pytest.mark.parametrize(
    "args, stdin, words",
    [
        (["create-user", "a@b.org", "--role", "admin"], "court\n", "12 caractères"),
        (["create-user", "pas-un-email", "--role", "trainer"], "un mot de passe assez long\n", "invalide"),
        (["create-user", "a@b.org", "--role", "chef"], "un mot de passe assez long\n", "chef"),
    ],
)
def test_create_user_refuses_bad_input(app, runner, args, stdin, words):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert words in result.output + (result.stderr or "")
    with app.app_context():
        assert db.session.scalar(select(User)) is None
