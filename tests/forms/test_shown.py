"""A stored draft shown by a reused form (forms/shown.py) looks exactly as with a freshly bound
form, whatever the drafts shown before it in the same thread held."""
import random
import threading
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from forms import shown
from forms.registry import FORMS
from forms.render import nomination_field, rows_group
from kczg.demo_data import COMMON, SAMPLES

DOMAINS = [SimpleNamespace(code="dzxx", name="电子信息"), SimpleNamespace(code="zbzz", name="装备制造")]
VALIDATE = "/unit/nominations/7/validate/__FIELD__"
ROWS = "/unit/nominations/7/rows/__GROUP__"


def _sample(code):
    return {k: [v] for k, v in {**COMMON, **SAMPLES[code]}.items()}


def _names(cls):
    form = cls(formdata=None, meta={"csrf": False})
    return [(f.name, [s.short_name for s in f.entries[0].form] if f.type == "Rows" else None)
            for f in form]


def _variants(code):
    cls = FORMS[code]
    names = _names(cls)
    sample = _sample(code)
    hostile, gaps, junk, sparse = {}, {}, dict(sample), {}
    for name, subs in names:
        if subs is None:
            hostile[name] = ['  "><b>&中文 \' ']
            sparse[name] = [""]
            continue
        for i in (0, 1, 2):
            for sub in subs:
                hostile[f"{name}-{i}-{sub}"] = [f" <i>{i}</i> {sub} "]
        for i in (3, 7, 12):  # rows stored under numbers with gaps
            for sub in subs[: 1 + i % 2]:
                gaps[f"{name}-{i}-{sub}"] = [f"第{i}行 {sub}"]
        junk[f"{name}-x-{subs[0]}"] = ["not a row"]
        junk[f"{name}-4"] = ["no field"]
    junk.update({"unknown": ["?"], "pledge": ["false"], "domain": ["nowhere"]})
    multi = {k: v + ["second value", "2021-01-01"] for k, v in sample.items()}
    typed = {k: ["2"] for k in hostile}  # selects' "2", numbers, dates that are not dates
    return [sample, hostile, gaps, junk, sparse, multi, typed, {"pledge": ["y"]}]


def _page(form):
    """The fields' markup and data in the page's order, as the form template shows them."""
    out = []
    for _, names in form.sections():
        for name in names:
            f = form[name]
            if f.type == "Rows":
                out.append(str(rows_group(f, ROWS.replace("__GROUP__", name), VALIDATE)))
                out.extend(repr(sub.data) for e in f.entries for sub in e.form)
            else:
                out.append(str(nomination_field(f, VALIDATE)))
                out.append(repr(f.data))
    return out


def _fresh(cls, raw):
    form = cls(formdata=MultiDict(raw), meta={"csrf": False})
    if cls.DOMAIN_FIELD:
        form.set_domains(DOMAINS)
    return form


@pytest.mark.parametrize("code", sorted(FORMS))
def test_shown_as_a_fresh_form_shows_it(app, code):
    cls = FORMS[code]
    with app.test_request_context():
        variants = _variants(code)
        order = list(range(len(variants))) * 3
        random.Random(code).shuffle(order)
        for i in order:
            raw = variants[i]
            with shown.lend(cls, raw, DOMAINS if cls.DOMAIN_FIELD else None) as form:
                assert form is not None  # (given back after each: the next variant reuses it)
                assert _page(form) == _page(_fresh(cls, raw)), (code, i)


def test_nothing_stored_is_bound_anew(app):
    with app.test_request_context():
        assert shown.shown_form(FORMS["xdjs"], {}, DOMAINS) is None


def test_each_thread_its_own_form(app):
    cls = FORMS["xrqy"]
    raw = _sample("xrqy")
    forms = []

    def show():
        with app.test_request_context():
            forms.append(shown.shown_form(cls, raw))

    threads = [threading.Thread(target=show) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert forms[0] is not forms[1]
    with app.test_request_context():
        with shown.lend(cls, raw) as first:
            with shown.lend(cls, raw) as second:  # lent to one holder at a time
                assert second is not first
        with shown.lend(cls, raw) as again:  # given back, then lent again
            assert again in (first, second)


def test_a_shown_form_refuses_validation_and_forgets_what_a_request_set(app):
    from forms.shown import ShownFormValidated

    cls = FORMS["xrqy"]
    raw = _sample("xrqy")
    with app.test_request_context():
        with shown.lend(cls, raw) as form:
            with pytest.raises(ShownFormValidated):
                form.validate()
            field = next(f for f in form if f.type == "StringField")
            with pytest.raises(ShownFormValidated):
                field.validate(form)
            field.errors = ["一条错误"]
            form.form_errors = ["整表错误"]
        with shown.lend(cls, raw) as again:
            assert again is form
            assert not again[field.short_name].errors and not again.form_errors
