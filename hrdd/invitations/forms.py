from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderScheduleForm(forms.Form):
    """Automatic reminders as days before the close date, typed as "7, 2"."""

    days = forms.CharField(
        label=_("Automatic reminders (days before closing)"),
        required=False,
        max_length=60,
        help_text=_(
            "For example 7, 2: reminders 7 days and 2 days before the close date, only to "
            "suppliers who have not answered. Leave empty for none."
        ),
    )

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        if isinstance(initial.get("days"), list):
            initial["days"] = ", ".join(str(d) for d in initial["days"])
        super().__init__(*args, **kwargs)

    def clean_days(self) -> list[int]:
        raw = self.cleaned_data["days"].replace(";", ",").replace("、", ",")
        days = []
        for part in (p.strip() for p in raw.split(",")):
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 90:
                raise forms.ValidationError(
                    _("“%(value)s” is not a number of days between 1 and 90.") % {"value": part}
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)
