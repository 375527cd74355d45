"""新锐企业榜: one enterprise."""
import functools

from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from .choices import PROVINCES
from .common import NotFuture, Rows, chosen, non_negative, required
from .nomination import NominationForm
from .rows import FinancingRow, IPRow
from .validators import USCC, MaxChars, normalize_uscc

YEARS = (2018, 2019, 2020)  # the 2021 campaign's "近三年": the three years before it


def _money(label):
    return DecimalField(label, places=2, validators=[required(label), non_negative(label)])


class NewEnterpriseForm(NominationForm):
    LIST_CODE = "xrqy"
    TITLE_FIELD = "company_name"
    DEDUPE_FIELD = "uscc"
    SECTIONS = [
        ("企业基本信息", ["company_name", "uscc", "founded", "registered_capital", "province",
                    "city", "legal_rep", "employees", "rd_staff"]),
        ("近三年经营情况（万元）", [f"revenue_{y}" for y in YEARS] + [f"rd_{y}" for y in YEARS]),
        ("融资情况", ["financing"]),
        ("核心知识产权", ["core_ip"]),
        ("企业情况说明", ["business", "growth"]),
    ]

    company_name = StringField("企业名称", validators=[required("企业名称"), MaxChars(100)])
    uscc = StringField("统一社会信用代码", filters=[normalize_uscc],
                       validators=[required("统一社会信用代码"), USCC()])
    founded = DateField("成立日期", validators=[required("成立日期"), NotFuture()],
                        render_kw={"type": "date"})
    registered_capital = _money("注册资本（万元）")
    province = SelectField("注册地（省）", choices=[("", "请选择")] + [(p, p) for p in PROVINCES],
                           validators=[chosen("注册地所在省份")])
    city = StringField("注册地（市）", validators=[required("注册地所在城市"), MaxChars(30)])
    legal_rep = StringField("法定代表人", validators=[required("法定代表人"), MaxChars(30)])
    employees = IntegerField("员工总数", validators=[required("员工总数"), non_negative("员工总数")])
    rd_staff = IntegerField("研发人员数", validators=[required("研发人员数"), non_negative("研发人员数")])
    revenue_2018 = _money("2018年营业收入")
    revenue_2019 = _money("2019年营业收入")
    revenue_2020 = _money("2020年营业收入")
    rd_2018 = _money("2018年研发投入")
    rd_2019 = _money("2019年研发投入")
    rd_2020 = _money("2020年研发投入")
    financing = Rows(FinancingRow, "融资情况", max_rows=20, row_label="轮")
    core_ip = Rows(IPRow, "核心知识产权", max_rows=30, row_label="项")
    business = TextAreaField("主营业务及核心技术", validators=[required("主营业务及核心技术"),
                                                       MaxChars(2000)], description="不超过2000字")
    growth = TextAreaField("成长性说明", validators=[required("成长性说明"), MaxChars(2000)],
                           description="不超过2000字")

    @classmethod
    @functools.cache
    def for_campaign(cls, year: int):
        """The form of a campaign year: revenue and R&D of the three years before it (2022:
        2019–2021), as fields revenue_<year> and rd_<year>. 2021 (and an unknown year) is the
        class itself."""
        years = tuple(range(year - 3, year)) if year else YEARS
        if years == YEARS:
            return cls
        attrs = {f"{kind}_{y}": None for kind in ("revenue", "rd") for y in YEARS}
        for y in years:
            attrs[f"revenue_{y}"] = _money(f"{y}年营业收入")
            attrs[f"rd_{y}"] = _money(f"{y}年研发投入")
        attrs["SECTIONS"] = [
            (title, [f"revenue_{y}" for y in years] + [f"rd_{y}" for y in years])
            if title.startswith("近三年") else (title, names) for title, names in cls.SECTIONS]
        return type(f"{cls.__name__}{year}", (cls,), attrs)

    def validate_rd_staff(self, field):
        if field.data is not None and self.employees.data is not None \
                and field.data > self.employees.data:
            raise ValidationError("研发人员数不能超过员工总数")
