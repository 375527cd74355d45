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


def test_installed_for_widgets():
    from wtforms import Form, StringField

    class F(Form):
        name = StringField(render_kw={"data_x": 'a"b'})

    html = F(data={"name": "<b>"}).name()
    assert html == '<input data-x="a&#34;b" id="name" name="name" type="text" value="&lt;b&gt;">'


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
    assert type(F().trl.widget) is fast_html.FastSelect
