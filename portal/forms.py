"""Forms (Flask-WTF): every form carries a CSRF token; messages are in French."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectChoice,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = "Ce champ est obligatoire."
SLUG_MESSAGE = "Uniquement des minuscules, des chiffres et des tirets (ex. session-5-moderation)."


def choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(FlaskForm):
    email = StringField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=256)])
    remember = BooleanField("Rester connecté·e sur cet appareil")
    next = HiddenField()


class NewPasswordMixin:
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired(REQUIRED), Length(min=12, max=256, message="Entre 12 et 256 caractères.")],
        description="Au moins 12 caractères ; une phrase de quatre mots sans rapport entre eux fait un bon mot de passe.",
    )
    confirm = PasswordField(
        "Confirmer le mot de passe", validators=[DataRequired(REQUIRED), EqualTo("password", "Les deux mots de passe diffèrent.")]
    )


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])


class ResetForm(NewPasswordMixin, FlaskForm):
    pass


class UserCreateForm(NewPasswordMixin, FlaskForm):
    email = StringField("Adresse e-mail", validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide."), Length(max=254)])
    role = SelectField("Rôle", choices=choices(("trainer", "Formateur·rice"), ("admin", "Administrateur·rice")))


class WebinarForm(FlaskForm):
    slug = StringField(
        "Identifiant dans l'adresse (slug)",
        validators=[DataRequired(REQUIRED), Length(max=120), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=SLUG_MESSAGE)],
    )
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=300)])
    question = TextAreaField("La question à laquelle la session répond", validators=[Optional(), Length(max=2000)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=20000)])
    starts_at = StringField(
        "Date et heure de début",
        validators=[DataRequired(REQUIRED)],
        description="Format AAAA-MM-JJ HH:MM, heure de Paris (ex. 2024-09-05 12:30).",
    )
    timezone = SelectField("Fuseau horaire", choices=choices(("Europe/Paris", "Europe/Paris"), ("UTC", "UTC")))
    duration = StringField("Durée", validators=[DataRequired(REQUIRED)], description="ex. 1:30:00 ou 90m")
    language = SelectField("Langue", choices=choices(("fr", "français"), ("en", "anglais")))
    themes = MultiCheckboxField("Thèmes", choices=[])
    speakers = TextAreaField(
        "Intervenant·es",
        validators=[Optional(), Length(max=5000)],
        description="Une personne par ligne : « Nom | rôle » (la personne doit exister dans la liste des intervenant·es).",
    )
    speakers_note = TextAreaField("Note sur les intervenant·es", validators=[Optional(), Length(max=2000)])
    media_kind = SelectField(
        "Type de média",
        choices=choices(("", "aucun pour l'instant"), ("file", "fichier déjà importé"), ("url", "adresse directe (audio ou vidéo)"),
                        ("youtube", "YouTube"), ("peertube", "PeerTube"), ("vimeo", "Vimeo")),
    )  # fmt: skip
    media_src = StringField("Adresse ou identifiant du média", validators=[Optional(), Length(max=1000)])
    chapters = TextAreaField(
        "Chapitres",
        validators=[Optional(), Length(max=10000)],
        description="Un chapitre par ligne : « 0:12:30 Titre du chapitre ».",
    )
    published = BooleanField("Publié (visible par tout le monde)")
    is_demo = BooleanField("Contenu de démonstration")


class SpeakerForm(FlaskForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=200)])
    affiliation = StringField("Fonction, organisation", validators=[Optional(), Length(max=300)])
    bio = TextAreaField("Biographie", validators=[Optional(), Length(max=5000)])


class ThemeForm(FlaskForm):
    slug = StringField(
        "Identifiant (slug)",
        validators=[Optional(), Length(max=40), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=SLUG_MESSAGE)],
        description="Pour un nouveau thème seulement ; il ne change plus ensuite (les liens en dépendent).",
    )
    label = StringField("Libellé", validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])


class TranscriptUploadForm(FlaskForm):
    file = FileField("Fichier de transcription (.vtt ou .srt)", validators=[FileRequired("Choisissez un fichier.")])


class ConfirmUploadForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(REQUIRED)])


class CueEditForm(FlaskForm):
    speaker = StringField("Intervenant·e", validators=[Optional(), Length(max=200)])
    text = TextAreaField("Texte", validators=[DataRequired(REQUIRED), Length(max=5000)])
    note = StringField("Raison de la correction (facultatif)", validators=[Optional(), Length(max=300)])


class ResourceForm(FlaskForm):
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField("Type", choices=[])
    description = TextAreaField("Description (avec vos propres mots)", validators=[Optional(), Length(max=5000)])
    language = SelectField("Langue", choices=choices(("fr", "français"), ("en", "anglais"), ("other", "autre")))
    url = StringField("Adresse web", validators=[Optional(), Length(max=2000)], description="https://… (facultatif si vous joignez un fichier)")
    file = FileField("Fichier", description="PDF, ODP, PPTX, DOCX, PNG ou JPEG ; 20 Mo au plus. Le type est vérifié d'après le contenu.")
    themes = MultiCheckboxField("Thèmes", choices=[])


class ResourceLinkForm(FlaskForm):
    webinar = SelectField("Webinaire", choices=[])
    at = StringField("Moment (facultatif)", validators=[Optional(), Length(max=20)], description="ex. 0:23:10 ; vide pour la ressource du webinaire en général")
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class SynonymForm(FlaskForm):
    expressions = TextAreaField(
        "Expressions équivalentes",
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description="Une par ligne (ou séparées par « = ») : un sigle, ses mots, le mot courant. Chaque expression "
        "de plusieurs mots est cherchée telle quelle ; les accents et la casse ne comptent pas.",
        render_kw={"rows": 4},
    )
    note = StringField("Note (pour les autres admins)", validators=[Optional(), Length(max=300)])


class ContentNoteForm(FlaskForm):
    label = StringField(
        "Ce que contient le passage",
        validators=[DataRequired(REQUIRED), Length(max=120)],
        description="Quelques mots, montrés avant le passage : « Citation de propos racistes », « Description de violences »…",
        render_kw={"list": "note-labels"},
    )
    start = StringField("Début", validators=[DataRequired(REQUIRED)], description="ex. 12:30 ou 1:02:03", render_kw={"inputmode": "numeric"})
    end = StringField("Fin", validators=[DataRequired(REQUIRED)], render_kw={"inputmode": "numeric"})


class ErrorReportForm(FlaskForm):
    proposed = TextAreaField(
        "Ce qui est dit en réalité",
        validators=[DataRequired(REQUIRED), Length(max=1000)],
        description="Corrigez le texte ci-dessus là où il se trompe (un nom, un mot mal compris…), ou dites ce qui ne va pas.",
        render_kw={"rows": 4},
    )
    # Left empty by people (it is hidden from them); robots fill every field.
    website = StringField("Ne pas remplir ce champ", render_kw={"autocomplete": "off", "tabindex": "-1"})
    stamp = HiddenField()
