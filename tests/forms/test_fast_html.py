"""The faster html_params renders exactly what WTForms' own does."""
import pytest
from markupsafe import Markup

from forms import fast_html

CASES = [
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_attr": "user.name", "aria_labeledby": "name", "hx_post": "/x?a=1&b=2"},
    {"value": '"><script>alert(1)</script>', "placeholder": "中文 & ‘引号’"},
    {"value": 3, "maxlength": 500, "required": True},
    {"value": Markup('<b class="x">已转义</b>'), "title": "a'b", "min": 1.5},
    {"class_": "a&b", "for_": "x", "data_hx_vals": '{"a": 1}'},
    {},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_same_output_as_wtforms(kwargs):
    assert fast_html.html_params(**kwargs) == fast_html.original(**kwargs)


def test_our_forms_render_through_our_widgets_and_wtforms_is_untouched():
    import wtforms
    from wtforms import Form, SelectField, StringField, TextAreaField
    from wtforms.widgets import core

    from forms.common import RowForm

    class Ours(RowForm):
        name = StringField(render_kw={"data_x": 'a"b'})
        text = TextAreaField(render_kw={"class_": "wide"})
        pick = SelectField(choices=[("", "请选择"), ("1", "甲 <乙>")])

    class Theirs(Form):  # a plain WTForms form: WTForms' own rendering
        name = StringField(render_kw={"data_x": 'a"b'})
        text = TextAreaField(render_kw={"class_": "wide"})
        pick = SelectField(choices=[("", "请选择"), ("1", "甲 <乙>")])

    data = {"name": "<b>", "text": "多行\n文字 & <i>", "pick": "1"}
    ours, theirs = Ours(data=data), Theirs(data=data)
    assert ours.name() == ('<input data-x="a&#34;b" id="name" name="name" type="text" '
                           'value="&lt;b&gt;">')
    for a, b in zip(ours, theirs):
        assert a(aria_describedby="err") == b(aria_describedby="err"), a.name
    # ours went through our widgets; nothing of WTForms was replaced
    assert type(fast_html.fast_widget(ours.pick.widget)) is fast_html.FastSelect
    assert core.html_params is fast_html._original
    assert wtforms.widgets.html_params is fast_html._original
    assert type(Theirs.pick.kwargs.get("widget", SelectField.widget)) is core.Select
    assert core.Input.html_params is not fast_html.html_params


def test_select_renders_as_wtforms_does():
    from wtforms import Form, SelectField
    from wtforms.widgets import Select

    class F(Form):
        trl = SelectField(choices=[("", "请选择"), ("1", "1级 <基础>"), ("2", "2级")])
        flag = SelectField(choices=[(True, "是"), (False, "否")], coerce=lambda v: v == "True")

    for data in ({}, {"trl": "2"}, {"trl": "1", "flag": False}):
        form = F(data=data)
        for field in form:
            assert fast_html.FastSelect()(field) == Select()(field), (data, field.name)
