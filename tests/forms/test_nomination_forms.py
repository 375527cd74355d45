"""Each list's form: the valid example passes; each rule fails with its Chinese message."""
import pytest
from werkzeug.datastructures import MultiDict

from forms.registry import FORMS
from kczg.demo_data import sample
from kczg.models import Domain, NominationList


@pytest.fixture
def make_form(app, db):
    def make(code, **overrides):
        cls = FORMS[code]
        with app.test_request_context():
            form = cls(formdata=MultiDict(sample(code, **overrides)), meta={"csrf": False})
            if cls.DOMAIN_FIELD:
                lst = NominationList.get(NominationList.code == code)
                form.set_domains(lst.domains.order_by(Domain.position))
            ok = form.validate()
        return ok, form
    return make


def errors_of(form, name):
    field = form[name]
    return [e for e in field.errors if isinstance(e, str)]


@pytest.mark.parametrize("code", sorted(FORMS))
def test_the_valid_example_passes(make_form, code):
    ok, form = make_form(code)
    assert ok, form.errors
    data = form.clean_data()
    assert data["pledge"] is True and data["contact_name"] == "王明"


def test_there_is_no_form_for_the_youth_list():
    assert "qncy" not in FORMS and len(FORMS) == 6


@pytest.mark.parametrize("code", sorted(FORMS))
def test_common_block_rules(make_form, code):
    ok, form = make_form(code, contact_phone="12345", contact_email="x@", opinion="意" * 501,
                         pledge=None, contact_name="")
    assert not ok
    assert "请填写11位手机号码" in errors_of(form, "contact_phone")[0]
    assert errors_of(form, "contact_email") == ["电子邮箱格式不正确"]
    assert errors_of(form, "opinion") == ["不能超过500个字（当前501个字）"]
    assert errors_of(form, "pledge") == ["请阅读并勾选诚信承诺"]
    assert errors_of(form, "contact_name") == ["请填写联系人"]


def test_lengths_are_characters_not_bytes(make_form):
    ok, form = make_form("xdjs", tech_name="技" * 50)  # 150 bytes in UTF-8, 50 characters
    assert ok, form.errors
    ok, form = make_form("xdjs", tech_name="技" * 51)
    assert errors_of(form, "tech_name") == ["不能超过50个字（当前51个字）"]


def test_leading_tech_rules(make_form):
    ok, form = make_form("xdjs", domain="mars", trl="10", first_unit_uscc="91350100M000100Y44",
                         sales_new="-1", **{"people-0-name": "", "people-1-name": ""})
    assert not ok
    assert errors_of(form, "domain") == ["“mars”不是所属领域的可选项，请从列表中选择"]
    assert errors_of(form, "trl") == ["“10”不是技术成熟度的可选项，请从列表中选择"]
    assert "校验位不正确" in errors_of(form, "first_unit_uscc")[0]
    assert errors_of(form, "sales_new") == ["新增销售额不能为负数"]
    assert form.people.entries[0].form.name.errors == ["请填写姓名"]


def test_uscc_is_trimmed_and_upper_cased(make_form):
    ok, form = make_form("xdjs", first_unit_uscc="  91110108551385082q ")
    assert ok and form.clean_data()["first_unit_uscc"] == "91110108551385082Q"


def test_at_most_fifteen_people_and_at_least_one(make_form):
    many = {f"people-{i}-{k}": v for i in range(16)
            for k, v in (("name", f"人{i}"), ("unit", "单位"), ("contribution", "贡献"))}
    ok, form = make_form("xdjs", **many)
    assert not ok and "最多填写15人" in form.people.errors
    empty = {f"people-{i}-{k}": "" for i in range(2) for k in ("name", "unit", "title",
                                                                "contribution")}
    ok, form = make_form("xdjs", **empty)
    assert not ok and "请至少填写1人" in form.people.errors


def test_empty_rows_are_dropped_not_rejected(make_form):
    ok, form = make_form("xdjs", **{"other_units-5-name": ""})
    assert ok
    assert [r["name"] for r in form.clean_data()["other_units"]] == ["清华大学", "中国科学院计算技术研究所"]


def test_new_enterprise_rules(make_form):
    ok, form = make_form("xrqy", rd_staff="400", founded="2999-01-01", registered_capital="-5",
                         employees="many", uscc="123")
    assert not ok
    assert errors_of(form, "founded") == ["日期不能晚于今天"]
    assert errors_of(form, "registered_capital") == ["注册资本（万元）不能为负数"]
    assert errors_of(form, "employees")  # not a number: WTForms' Chinese message
    assert "18位" in errors_of(form, "uscc")[0]
    ok, form = make_form("xrqy", rd_staff="400")
    assert errors_of(form, "rd_staff") == ["研发人员数不能超过员工总数"]


def test_open_source_rules(make_form):
    ok, form = make_form("kycx", repo_url="http://gitee.com/x/y", license="Proprietary",
                         stars="-3", first_release="2999-12-31")
    assert not ok
    assert "https://" in errors_of(form, "repo_url")[0]
    assert errors_of(form, "license") == ["“Proprietary”不是开源许可证的可选项，请从列表中选择"]
    assert errors_of(form, "stars") == ["Star 数不能为负数"]
    assert errors_of(form, "first_release") == ["日期不能晚于今天"]
    ok, form = make_form("kycx", repo_url="https://gitee.com/example/distributed-db.git/")
    assert ok and form.clean_data()["repo_url"] == "https://gitee.com/example/distributed-db"


def test_venture_capital_ratio_is_a_percentage(make_form):
    ok, form = make_form("kjtz", early_ratio="120")
    assert errors_of(form, "early_ratio") == ["投资占比应在0到100之间"]
    ok, form = make_form("kjtz", **{"cases-0-amount": "-1"})
    assert form.cases.entries[0].form.amount.errors == ["投资金额不能为负数"]


def test_industry_academia_member_type(make_form):
    ok, form = make_form("cxyrt", **{"members-0-kind": "外星机构"})
    assert not ok and form.members.entries[0].form.kind.errors == [
        "“外星机构”不是类型的可选项，请从列表中选择"]


def test_key_tech_needs_an_indicator(make_form):
    blank = {f"indicators-{i}-{k}": "" for i in range(2) for k in ("indicator", "ours", "foreign")}
    ok, form = make_form("tpdb", **blank)
    assert not ok and "请至少填写1项指标" in form.indicators.errors
