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


def form_class(list_code: str) -> type[NominationForm] | None:
    return FORMS.get(list_code)


@functools.cache
def field_labels(cls: type[NominationForm]) -> dict[str, str]:
    """Field name -> label of a form class (static: built once per class and process)."""
    form = cls(meta={"csrf": False}, formdata=None)
    return {f.name: str(f.label.text) for f in form}
