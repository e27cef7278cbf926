import json
import shutil

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Chapter, Cue, Speaker, Transcript, Webinar, WebinarSpeaker
from portal.services.catalogue import CatalogueError, import_catalogue_file
from tests.conftest import DEMO, SAMPLE_VTT


def counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Webinar, Transcript, Cue, Speaker, WebinarSpeaker, Chapter)
    }


def test_demo_catalogue_imported_twice_changes_nothing(app):
    with app.app_context():
        first = import_catalogue_file(DEMO / "catalogue.json")
        before = counts()
        stamps = {w.slug: w.updated_at for w in db.session.scalars(select(Webinar))}
        second = import_catalogue_file(DEMO / "catalogue.json")
        assert len(first.created) == 4
        assert second.unchanged == sorted(second.unchanged) and len(second.unchanged) == 4
        assert not second.created and not second.updated
        assert counts() == before
        assert {w.slug: w.updated_at for w in db.session.scalars(select(Webinar))} == stamps


def test_demo_catalogue_content(app):
    with app.app_context():
        import_catalogue_file(DEMO / "catalogue.json")
        webinars = {w.slug: w for w in db.session.scalars(select(Webinar))}
        assert set(webinars) == {"session-1-algorithmes", "session-2-loi", "session-3-enquetes", "session-4-contentieux"}
        s1 = webinars["session-1-algorithmes"]
        assert s1.local_start.isoformat() == "2024-03-26T12:30:00+01:00"
        assert [t.slug for t in s1.themes] == ["algorithms"]
        assert s1.is_demo and s1.media_kind == "file" and s1.media_type == "audio/ogg"
        assert len(s1.speaker_links) == 2 and len(s1.chapters) >= 4
        for w in webinars.values():
            t = w.active_transcript
            assert t.cue_count >= 100 and t.cues[-1].end_ms >= 8 * 60_000
            # demonstration speech is attributed to roles, never to the real people named in the seed
            names = {link.speaker.name for link in w.speaker_links}
            assert not {c.speaker for c in t.cues} & names
            assert all(c.speaker for c in t.cues)
            assert w.duration_ms >= t.cues[-1].end_ms
        assert webinars["session-4-contentieux"].speaker_links == []
        assert "annoncé" in webinars["session-4-contentieux"].speakers_note


def write_catalogue(tmp_path, entry, transcript=SAMPLE_VTT):
    (tmp_path / "t.vtt").write_text(transcript, encoding="utf-8")
    shutil.copy(DEMO / "media" / "session-1-algorithmes.opus", tmp_path / "a.opus")
    base = {
        "slug": "essai",
        "title": "Essai",
        "starts_at": "2024-03-26T12:30:00+01:00",
        "duration_s": 60,
        "themes": ["law"],
        "media": {"kind": "file", "src": "a.opus"},
        "transcript": "t.vtt",
    }
    base.update(entry)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"webinars": [base]}), encoding="utf-8")
    return path


def test_changed_transcript_becomes_a_new_active_version(app, tmp_path):
    with app.app_context():
        path = write_catalogue(tmp_path, {})
        import_catalogue_file(path)
        (tmp_path / "t.vtt").write_text(SAMPLE_VTT.replace("Bienvenue", "Bonjour"), encoding="utf-8")
        report = import_catalogue_file(path)
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert report.updated == ["essai"]
        assert [t.version for t in webinar.transcripts] == [1, 2]
        assert webinar.active_transcript.version == 2
        assert webinar.active_transcript.cues[0].text.startswith("Bonjour")


def test_media_file_is_copied_under_a_content_name(app, tmp_path):
    with app.app_context():
        import_catalogue_file(write_catalogue(tmp_path, {}))
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert webinar.media_src.endswith(".opus") and len(webinar.media_src) == 32 + 5
        stored = tmp_path / "media" / webinar.media_src
        assert stored.read_bytes() == (tmp_path / "a.opus").read_bytes()


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"slug": "Pas Bon"}, "slug"),
        ({"starts_at": "2024-03-26 12:30"}, "décalage"),
        ({"starts_at": "mardi"}, "ISO 8601"),
        ({"themes": ["cuisine"]}, "thème inconnu"),
        ({"media": {"kind": "tiktok", "src": "x"}}, "type de média inconnu"),
        ({"media": {"kind": "file", "src": "absent.mp3"}}, "introuvable"),
        ({"transcript": "../../etc/passwd"}, "introuvable"),
        ({"duration_s": "beaucoup"}, "duration_s"),
        ({"chapters": [{"start": "xx", "title": "a"}]}, "chapters[0].start"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_catalogue_entries_are_refused_and_nothing_is_written(app, tmp_path, entry, words):
    with app.app_context():
        path = write_catalogue(tmp_path, entry)
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(path)
        assert words in str(info.value)
        assert db.session.scalar(select(func.count()).select_from(Webinar)) == 0


def test_bad_transcript_in_catalogue_names_file_and_line(app, tmp_path):
    with app.app_context():
        path = write_catalogue(tmp_path, {}, transcript="WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n")
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(path)
        assert "t.vtt:3: l'heure de fin" in str(info.value)


def test_chapters_from_catalogue_list(app, tmp_path):
    with app.app_context():
        import_catalogue_file(write_catalogue(tmp_path, {"chapters": [{"start": "0:00:30", "title": "Le DSA"}, {"start": "0", "title": "Début"}]}))
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert [(c.start_ms, c.title) for c in webinar.chapters] == [(0, "Début"), (30_000, "Le DSA")]


@pytest.mark.parametrize(
    "resource, words",
    [
        ({"title": "x", "kind": "podcast", "url": "https://example.org"}, "kind"),
        ({"title": "x", "kind": "other"}, "« url » ou « file »"),
        ({"title": "x", "kind": "other", "url": "javascript:alert(1)"}, "https://"),
        ({"title": "x", "kind": "other", "url": "https://example.org", "at": "9:99:99"}, ".at"),
        ({"title": "x", "kind": "other", "file": "fake.pdf"}, "n'est pas un fichier accepté"),
    ],
)
def test_bad_resources_in_catalogue_are_refused_before_anything_is_written(app, tmp_path, resource, words):
    (tmp_path / "fake.pdf").write_bytes(b"<html>not a pdf</html>")
    with app.app_context():
        path = write_catalogue(tmp_path, {"resources": [resource]})
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(path)
        assert words in str(info.value)
        assert db.session.scalar(select(func.count()).select_from(Webinar)) == 0


def test_catalogue_file_resource_is_stored_by_content_and_searchable(app, tmp_path):
    from portal.models import Resource
    from tests.conftest import make_pdf

    (tmp_path / "guide.pdf").write_bytes(make_pdf("Fiche pratique tamanoir"))
    with app.app_context():
        import_catalogue_file(write_catalogue(tmp_path, {"resources": [{"title": "Fiche", "kind": "document", "file": "guide.pdf", "at": "0:00:05"}]}))
        resource = db.session.scalar(select(Resource))
        assert resource.file_name.endswith(".pdf") and "tamanoir" in resource.text
        assert resource.links[0].start_ms == 5000


def test_a_resource_moment_past_its_webinars_end_changes_nothing_and_names_the_field(app, tmp_path):
    from portal.models import Resource, ResourceLink

    catalogue = json.loads(write_catalogue(tmp_path, {}).read_text())
    second = dict(catalogue["webinars"][0], slug="essai-2", transcript="t.vtt")
    catalogue["webinars"].append(second)
    catalogue["resources"] = [
        {"title": "Guide", "kind": "other", "url": "https://example.org/guide", "webinars": [{"slug": "essai", "at": "0:00:30"}]},
        {"title": "Fiche", "kind": "other", "url": "https://example.org/fiche", "webinars": [{"slug": "essai-2", "at": "0:02:00"}]},
    ]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue), encoding="utf-8")
    with app.app_context():
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(path)
        assert str(info.value) == "resources[1].at : le moment 2:00 dépasse la durée du webinaire « essai-2 » (1:00)."
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Webinar, Resource, ResourceLink, Transcript)] == [0, 0, 0, 0]


def test_catalogue_paths_may_be_absolute(app, tmp_path):
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "absolu.vtt").write_text(SAMPLE_VTT.replace("Bienvenue", "Absolument"), encoding="utf-8")
    with app.app_context():
        path = write_catalogue(tmp_path / "", {"transcript": str(elsewhere / "absolu.vtt"), "media": {"kind": "file", "src": str(tmp_path / "a.opus")}})
        import_catalogue_file(path)
        webinar = db.session.scalar(select(Webinar).filter_by(slug="essai"))
        assert webinar.active_transcript.original_filename == "absolu.vtt" and "Absolument" in webinar.active_transcript.raw.decode()
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(write_catalogue(tmp_path, {"transcript": str(elsewhere / "absent.vtt")}))
        assert str(info.value).startswith("webinars[0] (essai).transcript : fichier introuvable")


def test_themes_created_by_admins_are_known_to_webinars_and_resources(app, tmp_path):
    from portal.models import Resource, Theme

    with app.app_context():
        db.session.add(Theme(slug="moderation", label="Modération", description="", position=5))
        db.session.commit()
        path = write_catalogue(tmp_path, {"themes": ["moderation"], "resources": [{"title": "Guide", "kind": "other", "url": "https://example.org/g", "themes": ["moderation"]}]})
        import_catalogue_file(path)
        assert [t.slug for t in db.session.scalar(select(Webinar)).themes] == ["moderation"]
        assert [t.slug for t in db.session.scalar(select(Resource)).themes] == ["moderation"]


def test_a_catalogue_whose_last_write_fails_leaves_the_database_as_it_was(app, tmp_path):
    """Everything validated, then the database refuses the last row (a full disk, say): the webinars,
    transcripts and resources written before it are rolled back with it, and the index has none."""
    import sqlalchemy as sa

    from portal.models import Resource, ResourceLink
    from portal.services import indexing

    catalogue = json.loads(write_catalogue(tmp_path, {}).read_text())
    catalogue["webinars"].append(dict(catalogue["webinars"][0], slug="essai-2"))
    catalogue["resources"] = [{"title": "Guide", "kind": "other", "url": "https://example.org/guide", "webinars": [{"slug": "essai-2", "at": "0:00:30"}]}]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue), encoding="utf-8")
    with app.app_context():
        indexing.rebuild()
        with db.engine.begin() as connection:  # the database refuses the very last write
            connection.execute(sa.text("CREATE TRIGGER refuse BEFORE INSERT ON resource_links BEGIN SELECT RAISE(ABORT, 'disque plein'); END"))
        with pytest.raises(CatalogueError) as info:
            import_catalogue_file(path)
        assert "rien n'a été enregistré" in str(info.value) and "disque plein" in str(info.value)
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Webinar, Transcript, Cue, Resource, ResourceLink)] == [0, 0, 0, 0, 0]
        assert indexing.get_store().doc_count() == 0 and indexing.check() == []
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TRIGGER refuse"))
        report = import_catalogue_file(path)  # and once the database accepts it, the same file imports whole
        assert report.created == ["essai", "essai-2"] and report.resources_changed == 1
        assert db.session.scalar(select(func.count()).select_from(ResourceLink)) == 1
        assert indexing.check() == []
