"""Which form class serves which list (by the list's code in the campaign file)."""
import functools

from .industry_academia import IndustryAcademiaForm
from .key_tech import KeyTechForm
from .leading_tech import LeadingTechForm
from .new_enterprise import NewEnterpriseForm
from .nomination import NominationForm
from .open_source import OpenSourceForm
from .venture_capital import VentureCapitalForm

FORMS: dict[str, type[NominationForm]] = {
    cls.LIST_CODE: cls for cls in (LeadingTechForm, NewEnterpriseForm, IndustryAcademiaForm,
                                   OpenSourceForm, VentureCapitalForm, KeyTechForm)
}


def form_class(lst) -> type[NominationForm] | None:
    """The form of a list (a NominationList row; a code means the 2021 class): the one the
    campaign file defines for it ([lists.form], forms/spec.py), else the class for its code,
    fitted to the campaign's year where the form depends on it."""
    if isinstance(lst, str):
        return FORMS.get(lst)
    if getattr(lst, "form_spec", ""):
        from .spec import form_from_json

        return form_from_json(lst.code, lst.name, lst.form_spec)
    cls = FORMS.get(lst.code)
    if cls is not None and hasattr(cls, "for_campaign"):
        return cls.for_campaign(lst.campaign.year)
    return cls


@functools.cache
def field_labels(cls: type[NominationForm]) -> dict[str, str]:
    """Field name -> label of a form class (static: built once per class and process)."""
    form = cls(meta={"csrf": False}, formdata=None)
    return {f.name: str(f.label.text) for f in form}
