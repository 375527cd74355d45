"""先导技术榜: one technology in one of the six domains."""
from wtforms import DecimalField, SelectField, StringField, TextAreaField

from .choices import TRL
from .common import Rows, chosen, int_or_none, non_negative, required
from .nomination import NominationForm
from .rows import IPRow, NameRow, PersonRow
from .validators import USCC, MaxChars, normalize_uscc


class LeadingTechForm(NominationForm):
    LIST_CODE = "xdjs"
    UNIT_FIELD = "first_unit"
    TITLE_FIELD = "tech_name"
    DEDUPE_FIELD = "first_unit_uscc"
    PARTY_FIELDS = (("first_unit", "第一完成单位"), ("other_units.name", "其他完成单位"),
                    ("people.unit", "主要完成人所在单位"))
    DEDUPE_KIND = "technology"
    DOMAIN_FIELD = "domain"
    SECTIONS = [
        ("基本信息", ["domain", "tech_name", "first_unit", "first_unit_uscc", "other_units"]),
        ("主要完成人", ["people"]),
        ("技术内容", ["summary", "innovations", "trl"]),
        ("知识产权", ["ip"]),
        ("应用与效益", ["application", "sales_new", "profit_new"]),
    ]

    domain = SelectField("所属领域", validators=[chosen("所属领域")])
    tech_name = StringField("技术名称", validators=[required("技术名称"), MaxChars(50)],
                            description="不超过50字")
    first_unit = StringField("第一完成单位", validators=[required("第一完成单位"), MaxChars(100)])
    first_unit_uscc = StringField("第一完成单位统一社会信用代码", filters=[normalize_uscc],
                                  validators=[required("统一社会信用代码"), USCC()],
                                  description="18位，字母大写")
    other_units = Rows(NameRow, "其他完成单位", max_rows=20, row_label="个单位")
    people = Rows(PersonRow, "主要完成人", max_rows=15, min_rows=1, row_label="人",
                  description="不超过15人，按贡献大小排序")
    summary = TextAreaField("技术简介", validators=[required("技术简介"), MaxChars(2000)],
                            description="不超过2000字")
    innovations = TextAreaField("主要创新点", validators=[required("主要创新点"), MaxChars(2000)],
                                description="不超过2000字")
    trl = SelectField("技术成熟度", coerce=int_or_none, choices=[("", "请选择")] + TRL,
                      validators=[chosen("技术成熟度")], validate_choice=True)
    ip = Rows(IPRow, "知识产权", max_rows=30, row_label="项")
    application = TextAreaField("应用推广情况", validators=[required("应用推广情况"), MaxChars(2000)],
                                description="不超过2000字")
    sales_new = DecimalField("近三年新增销售额（万元）", places=2,
                             validators=[required("近三年新增销售额"), non_negative("新增销售额")])
    profit_new = DecimalField("近三年新增利润（万元）", places=2,
                              validators=[required("近三年新增利润"), non_negative("新增利润")])

    def set_domains(self, domains):
        self.domain.choices = [("", "请选择")] + [(d.code, d.name) for d in domains]
