"""The one form base: Bootstrap classes on every widget, without a template per form."""

from django import forms


class BootstrapForm(forms.Form):
    """Every widget gets its Bootstrap class: form-check-input, form-select or form-control
    (hidden inputs none). `compact` forms (the filter bars above lists) use the small sizes."""

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        small = " form-select-sm" if self.compact else ""
        control = "form-control form-control-sm" if self.compact else "form-control"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select" + small)
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", control)


class BootstrapFilterForm(BootstrapForm):
    """A list's filter form (django-filter's `form` class): compact widgets."""

    compact = True
