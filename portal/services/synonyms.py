"""The thesaurus admins keep: groups of expressions a search treats as one (read at every search, no reindex)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import SynonymGroup, utcnow
from portal.services import audit
from search_index.synonyms import expression

MAX_GROUPS = 300
MAX_EXPRESSIONS = 12
MAX_EXPRESSION_CHARS = 100

# The field's vocabulary, seeded into a new database (and by the migration that made the table).
# Each line is one group; admins edit them at /admin/synonyms.
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("DSA", "règlement sur les services numériques", "Digital Services Act"),
    ("DMA", "règlement sur les marchés numériques", "Digital Markets Act"),
    ("LCEN", "loi pour la confiance dans l'économie numérique"),
    ("RGPD", "GDPR", "règlement général sur la protection des données"),
    ("Arcom", "CSA", "Conseil supérieur de l'audiovisuel", "Hadopi"),
    ("Pharos", "plateforme de signalement"),
    ("cyberharcèlement", "harcèlement en ligne", "cyberviolence"),
    ("IA", "intelligence artificielle"),
    ("réseaux sociaux", "plateformes", "RSN", "réseaux sociaux numériques"),
    ("signalement", "notification"),
    ("haine en ligne", "discours de haine", "contenus haineux", "propos haineux"),
    ("CNIL", "Commission nationale de l'informatique et des libertés"),
    ("CEDH", "Cour européenne des droits de l'homme"),
    ("CJUE", "Cour de justice de l'Union européenne"),
    ("UE", "Union européenne"),
    ("loi Avia", "loi visant à lutter contre les contenus haineux sur internet"),
    ("modération", "retrait de contenus"),
    ("algorithme de recommandation", "recommandation algorithmique", "système de recommandation"),
    ("bulle de filtre", "chambre d'écho"),
    ("capture d'écran", "copie d'écran", "screenshot"),
    ("huissier", "commissaire de justice"),
    ("constat d'huissier", "constat de commissaire de justice"),
    ("dépôt de plainte", "porter plainte"),
    ("procureur", "parquet", "ministère public"),
    ("OSINT", "renseignement en sources ouvertes", "sources ouvertes"),
    ("raid numérique", "harcèlement en meute", "raid de harcèlement"),
    ("doxing", "divulgation de données personnelles"),
    ("VLOP", "très grandes plateformes en ligne", "TGPL"),
    ("signaleurs de confiance", "trusted flaggers"),
    ("action de groupe", "class action", "action collective"),
    ("revenge porn", "pornodivulgation", "diffusion d'images intimes", "images intimes"),
    ("lever l'anonymat", "données d'identification", "identifier l'auteur"),
    ("opacité", "opaque", "manque de transparence"),
    ("droit à l'oubli", "droit à l'effacement", "déréférencement"),
)


class SynonymError(ValueError):
    """A group that cannot be saved, with the reason in words an admin reads."""


def default_rows() -> list[dict]:
    """The seeded groups as table rows (for a new database and the migration)."""
    now = utcnow()
    return [{"expressions": "\n".join(group), "note": "", "updated_at": now} for group in DEFAULT_SYNONYMS]


def seed_defaults() -> None:
    """Fill an empty thesaurus with the default groups (a new database only: admins may have emptied it since)."""
    if db.session.scalar(select(SynonymGroup.id).limit(1)) is None:
        db.session.add_all(SynonymGroup(**row) for row in default_rows())
        db.session.commit()


def all_groups() -> list[SynonymGroup]:
    return list(db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def search_groups() -> tuple[tuple[str, ...], ...]:
    """Every group as the search reads it (one short query per search: a change applies at once, in every worker)."""
    rows = db.session.scalars(select(SynonymGroup.expressions).order_by(SynonymGroup.id))
    return tuple(tuple(line for line in row.splitlines() if line.strip()) for row in rows)


def parse_expressions(text: str) -> list[str]:
    """The expressions of a group as typed: one per line (or separated by « = »), checked one by one."""
    found: list[str] = []
    keys: set[tuple[str, ...]] = set()
    for raw in re.split(r"[\n=]", text or ""):
        item = " ".join(raw.replace('"', " ").split())
        if not item:
            continue
        if len(item) > MAX_EXPRESSION_CHARS:
            raise SynonymError(_("« %(start)s… » est trop long : %(limit)s caractères au plus par expression.", start=item[:40], limit=MAX_EXPRESSION_CHARS))
        if "*" in item:
            raise SynonymError(_("« %(expression)s » contient une étoile : une expression se cherche telle quelle, sans début de mot.", expression=item))
        key = expression(item).key
        if not key:
            raise SynonymError(_("« %(expression)s » n'a que des mots trop courants (le, de, et…) : la recherche ne les cherche pas seuls.", expression=item))
        if key not in keys:  # the same expression twice (accents or case aside): kept once
            keys.add(key)
            found.append(item)
    if len(found) < 2:
        raise SynonymError(_("Un groupe a besoin d'au moins deux expressions différentes, une par ligne."))
    if len(found) > MAX_EXPRESSIONS:
        raise SynonymError(_("Un groupe a au plus %(count)s expressions : découpez-le.", count=MAX_EXPRESSIONS))
    return found


def save_group(group: SynonymGroup | None, text: str, note: str = "") -> SynonymGroup:
    """Create or change a group, audited, in one transaction; raises SynonymError and changes nothing if it cannot."""
    expressions = parse_expressions(text)
    if group is None and db.session.execute(select(db.func.count(SynonymGroup.id))).scalar_one() >= MAX_GROUPS:
        raise SynonymError(_("Le lexique a déjà %(count)s groupes : supprimez-en avant d'en ajouter.", count=MAX_GROUPS))
    mine = {expression(e).key: e for e in expressions}
    for other in all_groups():
        if other is group:
            continue
        for said in other.expression_list:
            if expression(said).key in mine:
                raise SynonymError(
                    _(
                        "« %(expression)s » est déjà dans le groupe « %(group)s » : "
                        "une expression n'appartient qu'à un groupe (modifiez plutôt celui-là).",
                        expression=mine[expression(said).key],
                        group=" = ".join(other.expression_list),
                    )
                )
    before = " = ".join(group.expression_list) if group is not None else ""
    if group is None:
        group = SynonymGroup(expressions="", note="")
        db.session.add(group)
    group.expressions = "\n".join(expressions)
    group.note = (note or "").strip()[:300]
    group.updated_at = utcnow()
    db.session.flush()
    after = " = ".join(expressions)
    audit.record("synonyms.save", "synonym_group", group.id, after, f"avant : {before}" if before else "nouveau groupe")
    db.session.commit()
    return group


def delete_group(group: SynonymGroup) -> None:
    label = " = ".join(group.expression_list)
    audit.record("synonyms.delete", "synonym_group", group.id, label)
    db.session.delete(group)
    db.session.commit()
