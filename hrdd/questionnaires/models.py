from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrdd.questionnaires.definition import Definition, checksum, parse_definition


class Questionnaire(models.Model):
    """A questionnaire identified by a stable code; its content lives in versions."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.JSONField(_("title"), default=dict, help_text=_("Title per language."))
    # The operator may require more responses per figure for a sensitive questionnaire;
    # campaigns on it start with at least this. Never below the platform floor of 3.
    min_responses = models.PositiveSmallIntegerField(
        _("minimum responses per figure"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3)],
        help_text=_("Leave empty for the platform default. Can only raise it, never below 3."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title.get("en") or self.code

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.code

    def latest_version(self) -> "QuestionnaireVersion | None":
        return self.versions.order_by("-version").first()


class QuestionnaireVersion(models.Model):
    """One published, frozen version of a questionnaire. Campaigns pin a version.

    The definition never changes once stored: editing a questionnaire means a new version.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(_("checksum"), max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    # Review state of draft translations: {"vi": {"by": "...", "at": "..."}}. Metadata, not
    # content: a reviewer can mark a translation reviewed without a new version.
    reviewed_translations = models.JSONField(_("reviewed translations"), default=dict, blank=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "version"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if checksum(self.definition) != self.checksum:
            raise ValidationError(_("The checksum does not match the definition."))
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("checksum", "version", "questionnaire_id")
                .first()
            )
            if stored and stored != (self.checksum, self.version, self.questionnaire_id):
                raise ValidationError(_("A published questionnaire version cannot be changed."))
        super().save(*args, **kwargs)

    def is_draft_translation(self, language: str) -> bool:
        """Whether suppliers answering in `language` should be told it is an unreviewed draft."""
        return (
            language in self.parsed.draft_languages and language not in self.reviewed_translations
        )

    def earlier_definitions(self) -> list[dict]:
        """The definitions of the questionnaire's earlier versions, oldest first: where
        translations.out_of_date learns which translations an English change left behind."""
        return list(
            type(self)
            .objects.filter(questionnaire_id=self.questionnaire_id, version__lt=self.version)
            .order_by("version")
            .values_list("definition", flat=True)
        )

    @cached_property
    def parsed(self) -> Definition:
        """The definition, parsed once per process. Looked up by (pk, checksum) before the
        `definition` field is touched, so a version read with that column deferred (the
        supplier pages) reads it only the first time in a process."""
        key = (self.pk, self.checksum)
        definition = _CACHE.get(key)
        if definition is None:
            definition = _CACHE[key] = parse_definition(
                self.definition, source=f"questionnaire version {self.pk}"
            )
        return definition

    def forget_parsed(self) -> None:
        """Drop this version's parsed definition from the process, as a new process starts."""
        _CACHE.pop((self.pk, self.checksum), None)
        self.__dict__.pop("parsed", None)


class QuestionnaireDraft(models.Model):
    """A questionnaire being written or edited by the operator: free to change, possibly
    invalid, never used by a campaign. Publishing validates it into a frozen version."""

    source = models.TextField(_("definition (YAML)"))
    based_on = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("based on"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published as"),
    )

    class Meta:
        verbose_name = _("questionnaire draft")
        verbose_name_plural = _("questionnaire drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.note or f"draft {self.pk}"


# Published versions are immutable (save() refuses a changed checksum), so each is parsed
# once per process: (pk, checksum) -> Definition.
_CACHE: dict[tuple[int, str], Definition] = {}
