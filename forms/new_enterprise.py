"""新锐企业榜: one enterprise, with its revenue and R&D of “近三年”, the three whole years
before the campaign's year (2021: 2018–2020; 2022: 2019–2021): the fields are made for each
campaign from its year (`for_campaign`), as revenue_<year> and rd_<year>, so what a year
stored says which years it covered."""
import functools

from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from .choices import PROVINCES
from .common import NotFuture, Rows, chosen, non_negative, required
from .nomination import NominationForm
from .rows import FinancingRow, IPRow
from .validators import USCC, MaxChars, normalize_uscc

RECENT = 3  # “近三年”


def recent_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - RECENT, year))


def _money(label):
    return DecimalField(label, places=2, validators=[required(label), non_negative(label)])


class NewEnterpriseForm(NominationForm):
    LIST_CODE = "xrqy"
    TITLE_FIELD = "company_name"
    DEDUPE_FIELD = "uscc"
    PARTY_FIELDS = (("company_name", "被推荐企业"), ("financing.investors", "投资方"))
    SECTIONS = [
        ("企业基本信息", ["company_name", "uscc", "founded", "registered_capital", "province",
                    "city", "legal_rep", "employees", "rd_staff"]),
        ("近三年经营情况（万元）", []),  # the campaign's years: for_campaign
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
    financing = Rows(FinancingRow, "融资情况", max_rows=20, row_label="轮")
    core_ip = Rows(IPRow, "核心知识产权", max_rows=30, row_label="项")
    business = TextAreaField("主营业务及核心技术", validators=[required("主营业务及核心技术"),
                                                       MaxChars(2000)], description="不超过2000字")
    growth = TextAreaField("成长性说明", validators=[required("成长性说明"), MaxChars(2000)],
                           description="不超过2000字")

    @classmethod
    @functools.cache
    def for_campaign(cls, year: int):
        """The form of a campaign year: revenue and R&D of the three years before it, as fields
        revenue_<year> and rd_<year>."""
        if not year:
            raise ValueError("新锐企业榜's form needs its campaign's year (近三年)")
        years = recent_years(year)
        attrs = {}
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
