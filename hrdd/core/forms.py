"""What every form page does with a service's refusal."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each error beside the field it names,
    and errors naming no field (or one the form does not have) above the form. Nothing is
    lost and no refusal becomes a server error."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
