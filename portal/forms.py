"""Forms (Flask-WTF): every form carries a CSRF token; messages are in French (the msgids), translated when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import Field
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

# New in WTForms 3.3; typeshed's stubs (types-WTForms) are still those of 3.2.
from wtforms import SelectChoice  # type: ignore[attr-defined]

from media_meta.sources import MEDIA_KINDS
from portal.models import ROLES

# The labels of the roles and media kinds the models and media_meta define (a KeyError here when one is added without its label).
ROLE_LABELS = {"trainer": _l("Formateur·rice"), "admin": _l("Administrateur·rice")}
MEDIA_KIND_LABELS = {
    "file": _l("fichier déjà importé"),
    "url": _l("adresse directe (audio ou vidéo)"),
    "youtube": "YouTube",
    "peertube": "PeerTube",
    "vimeo": "Vimeo",
}

REQUIRED = _l("Ce champ est obligatoire.")
SLUG_MESSAGE = _l("Uniquement des minuscules, des chiffres et des tirets (ex. session-5-moderation).")


def choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def add_error(field: Field, message: str) -> None:
    """One more message under a field that has been validated (its errors are a list from then on)."""
    field.errors = [*field.errors, message]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(FlaskForm):
    email = StringField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED), Length(max=256)])
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))
    next = HiddenField()


class NewPasswordMixin:
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(REQUIRED), Length(min=12, max=256, message=_l("Entre 12 et 256 caractères."))],
        description=_l("Au moins 12 caractères ; une phrase de quatre mots sans rapport entre eux fait un bon mot de passe."),
    )
    confirm = PasswordField(
        _l("Confirmer le mot de passe"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("Les deux mots de passe diffèrent."))]
    )


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(REQUIRED)])


class ResetForm(NewPasswordMixin, FlaskForm):
    pass


class UserCreateForm(NewPasswordMixin, FlaskForm):
    email = StringField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Email(_l("Adresse e-mail invalide.")), Length(max=254)])
    role = SelectField(_l("Rôle"), choices=choices(*((role, ROLE_LABELS[role]) for role in ROLES)))


class WebinarForm(FlaskForm):
    slug = StringField(
        _l("Identifiant dans l'adresse (slug)"),
        validators=[DataRequired(REQUIRED), Length(max=120), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=SLUG_MESSAGE)],
    )
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), Length(max=300)])
    question = TextAreaField(_l("La question à laquelle la session répond"), validators=[Optional(), Length(max=2000)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    starts_at = StringField(
        _l("Date et heure de début"),
        validators=[DataRequired(REQUIRED)],
        description=_l("Format AAAA-MM-JJ HH:MM, heure de Paris (ex. 2024-09-05 12:30)."),
    )
    timezone = SelectField(_l("Fuseau horaire"), choices=choices(("Europe/Paris", "Europe/Paris"), ("UTC", "UTC")))
    duration = StringField(_l("Durée"), validators=[DataRequired(REQUIRED)], description=_l("ex. 1:30:00 ou 90m"))
    language = SelectField(_l("Langue"), choices=choices(("fr", _l("français")), ("en", _l("anglais"))))
    themes = MultiCheckboxField(_l("Thèmes"), choices=[])
    speakers = TextAreaField(
        _l("Intervenant·es"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Une personne par ligne : « Nom | rôle » (la personne doit exister dans la liste des intervenant·es)."),
    )
    speakers_note = TextAreaField(_l("Note sur les intervenant·es"), validators=[Optional(), Length(max=2000)])
    media_kind = SelectField(
        _l("Type de média"),
        choices=choices(("", _l("aucun pour l'instant")), *((kind, MEDIA_KIND_LABELS[kind]) for kind in MEDIA_KINDS)),
    )
    media_src = StringField(_l("Adresse ou identifiant du média"), validators=[Optional(), Length(max=1000)])
    chapters = TextAreaField(
        _l("Chapitres"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Un chapitre par ligne : « 0:12:30 Titre du chapitre »."),
    )
    published = BooleanField(_l("Publié (visible par tout le monde)"))
    is_demo = BooleanField(_l("Contenu de démonstration"))


class SpeakerForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=200)])
    affiliation = StringField(_l("Fonction, organisation"), validators=[Optional(), Length(max=300)])
    bio = TextAreaField(_l("Biographie"), validators=[Optional(), Length(max=5000)])


class ThemeForm(FlaskForm):
    slug = StringField(
        _l("Identifiant (slug)"),
        validators=[Optional(), Length(max=40), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=SLUG_MESSAGE)],
        description=_l("Pour un nouveau thème seulement ; il ne change plus ensuite (les liens en dépendent)."),
    )
    label = StringField(_l("Libellé"), validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class TranscriptUploadForm(FlaskForm):
    file = FileField(_l("Fichier de transcription (.vtt ou .srt)"), validators=[FileRequired(_l("Choisissez un fichier."))])


class ConfirmUploadForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(REQUIRED)])


class CueEditForm(FlaskForm):
    speaker = StringField(_l("Intervenant·e"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Texte"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    note = StringField(_l("Raison de la correction (facultatif)"), validators=[Optional(), Length(max=300)])


class ResourceForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Type"), choices=[])
    description = TextAreaField(_l("Description (avec vos propres mots)"), validators=[Optional(), Length(max=5000)])
    language = SelectField(_l("Langue"), choices=choices(("fr", _l("français")), ("en", _l("anglais")), ("other", _l("autre"))))
    url = StringField(_l("Adresse web"), validators=[Optional(), Length(max=2000)], description=_l("https://… (facultatif si vous joignez un fichier)"))
    file = FileField(_l("Fichier"))  # its description names the configured limit (views/admin/resources.py)
    themes = MultiCheckboxField(_l("Thèmes"), choices=[])


class ResourceLinkForm(FlaskForm):
    webinar = SelectField(_l("Webinaire"), choices=[])
    at = StringField(
        _l("Moment (facultatif)"),
        validators=[Optional(), Length(max=20)],
        description=_l("ex. 0:23:10 ; vide pour la ressource du webinaire en général"),
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class SynonymForm(FlaskForm):
    expressions = TextAreaField(
        _l("Expressions équivalentes"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=_l(
            "Une par ligne (ou séparées par « = ») : un sigle, ses mots, le mot courant. Chaque expression "
            "de plusieurs mots est cherchée telle quelle ; les accents et la casse ne comptent pas."
        ),
        render_kw={"rows": 4},
    )
    note = StringField(_l("Note (pour les autres admins)"), validators=[Optional(), Length(max=300)])


class ContentNoteForm(FlaskForm):
    label = StringField(
        _l("Ce que contient le passage"),
        validators=[DataRequired(REQUIRED), Length(max=120)],
        description=_l("Quelques mots, montrés avant le passage : « Citation de propos racistes », « Description de violences »…"),
        render_kw={"list": "note-labels"},
    )
    start = StringField(_l("Début"), validators=[DataRequired(REQUIRED)], description=_l("ex. 12:30 ou 1:02:03"), render_kw={"inputmode": "numeric"})
    end = StringField(_l("Fin"), validators=[DataRequired(REQUIRED)], render_kw={"inputmode": "numeric"})


class ErrorReportForm(FlaskForm):
    proposed = TextAreaField(
        _l("Ce qui est dit en réalité"),
        validators=[DataRequired(REQUIRED), Length(max=1000)],
        description=_l("Corrigez le texte ci-dessus là où il se trompe (un nom, un mot mal compris…), ou dites ce qui ne va pas."),
        render_kw={"rows": 4},
    )
    # Left empty by people (it is hidden from them); robots fill every field.
    website = StringField(_l("Ne pas remplir ce champ"), render_kw={"autocomplete": "off", "tabindex": "-1"})
    stamp = HiddenField()
