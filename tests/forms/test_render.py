"""The form page's fields come out exactly as when built in full, whichever values another
nomination showed before (the static pieces are kept between requests, the values never)."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from forms import render
from forms.registry import FORMS
from kczg.demo_data import COMMON, SAMPLES

URL = "/unit/nominations/7/validate/__FIELD__"
HOSTILE = '  "><script>alert(1)</script> & ‘引号’ \' 中文  '


def _fields(form):
    for f in form:
        if f.type == "Rows":
            for entry in f.entries:
                for sub in entry.form:
                    yield sub, False
        else:
            yield f, True


def _formdata(cls, variant):
    if variant == "empty":
        return None
    if variant == "sample":
        return MultiDict({**COMMON, **SAMPLES[cls.LIST_CODE]})
    # every field, row fields of three rows included, typed as a hostile user would
    names = [f.name for f, _ in _fields(cls(formdata=None, meta={"csrf": False}))]
    names += [n.replace("-0-", f"-{i}-") for n in names if "-0-" in n for i in (1, 2)]
    values = {"hostile": HOSTILE, "other": "2", "blank": ""}[variant]
    return MultiDict({n: values for n in names})


def _form(cls, formdata):
    form = cls(formdata=formdata, meta={"csrf": False})
    if cls.DOMAIN_FIELD:
        form.set_domains([SimpleNamespace(code="dzxx", name="电子信息"),
                          SimpleNamespace(code="zbzz", name="装备制造")])
    return form


VARIANTS = ["empty", "sample", "hostile", "other", "blank", "sample"]


@pytest.mark.parametrize("code", sorted(FORMS))
def test_fields_render_as_built_in_full(app, code):
    cls = FORMS[code]
    render._pieces.clear()
    with app.test_request_context():
        for variant in VARIANTS + ["errors"]:
            form = _form(cls, _formdata(cls, "hostile" if variant == "errors" else variant))
            if variant == "errors":
                assert not form.validate()
            seen = 0
            for f, top in _fields(form):
                fast = render.nomination_field(f, URL, show_label=top)
                assert fast == render.render_field(f, URL, show_label=top), (variant, f.name)
                seen += 1
            assert seen >= 10
    # the pieces were reused, and hold nothing anyone typed
    assert render._pieces
    kept = repr(render._pieces)
    for typed in ("script", "引号", "王明", SAMPLES[code][cls.TITLE_FIELD]):
        assert typed not in kept


def test_values_escaped_in_the_cached_way(app):
    cls = FORMS["xdjs"]
    render._pieces.clear()
    with app.test_request_context():
        for value in ("first", '"><img src=x onerror=alert(1)>'):
            form = _form(cls, MultiDict({"tech_name": value}))
            html = render.nomination_field(form.tech_name, URL)
        assert "<img" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert 'hx-post="/unit/nominations/7/validate/tech_name"' in html
