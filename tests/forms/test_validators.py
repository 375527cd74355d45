import pytest

from forms.validators import email_error, normalize_uscc, phone_error, uscc_error


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q",
                                  " 91110108551385082q ", "91350100m000100y43"])
def test_valid_uscc(code):
    assert uscc_error(code) is None
    assert normalize_uscc(code) == code.strip().upper()


@pytest.mark.parametrize("code,message", [
    ("91350100M000100Y44", "校验位不正确"),
    ("9135010", "应为18位"),
    ("91350100M000100YI3", "无效字符"),   # I is not in the character set
    ("91350100M000100YO3", "无效字符"),
])
def test_invalid_uscc(code, message):
    assert message in uscc_error(code)


@pytest.mark.parametrize("phone", ["13912345678", "010-68517798", "0571-85155050",
                                   "01068517798", "010-68517798-123"])
def test_valid_phones(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize("phone", ["12345", "23912345678", "1391234567", "68517798", "abc"])
def test_invalid_phones(phone):
    assert "手机号码" in phone_error(phone)


def test_email():
    assert email_error("a@example.org") is None
    assert email_error("not-an-email") == "电子邮箱格式不正确"


def test_malformed_missing_and_out_of_list_values_each_get_their_own_message(app):
    from werkzeug.datastructures import MultiDict

    from forms.industry_academia import IndustryAcademiaForm
    from forms.new_enterprise import NewEnterpriseForm

    with app.test_request_context():
        form = NewEnterpriseForm(formdata=MultiDict({"employees": "abc", "rd_staff": ""}),
                                 meta={"csrf": False})
        form.validate()
        assert form.employees.errors == ["员工总数须为整数，“abc”不是整数"]
        assert form.rd_staff.errors == ["请填写研发人员数"]
        dated = [f for f in IndustryAcademiaForm(meta={"csrf": False}) if f.type == "DateField"]
        assert dated, "产学研协作榜 has a date field"
        name = dated[0].name
        selects = [f for f in IndustryAcademiaForm(meta={"csrf": False})
                   if f.type == "SelectField"]
        data = {name: "2022-13-40", selects[0].name: "not-an-option"}
        form = IndustryAcademiaForm(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        label = str(form[name].label.text)
        assert form[name].errors == [f"“2022-13-40”不是有效日期，请按 2021-10-20 的格式填写{label}"]
        assert form[selects[0].name].errors == [
            f"“not-an-option”不是{selects[0].label.text}的可选项，请从列表中选择"]
