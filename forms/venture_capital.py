"""科技创业投资机构榜: one venture capital institution."""
from wtforms import DateField, DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange

from .common import NotFuture, Rows, non_negative, required
from .nomination import NominationForm
from .rows import CaseRow
from .validators import USCC, MaxChars, normalize_uscc


class VentureCapitalForm(NominationForm):
    LIST_CODE = "kjtz"
    TITLE_FIELD = "org_name"
    DEDUPE_FIELD = "uscc"
    PARTY_FIELDS = (("org_name", "被推荐机构"), ("cases.company", "被投企业"))
    SECTIONS = [
        ("机构基本信息", ["org_name", "uscc", "founded", "aum", "funds", "projects",
                    "early_ratio"]),
        ("典型投资案例", ["cases"]),
        ("机构说明", ["post_investment", "intro"]),
    ]

    org_name = StringField("机构名称", validators=[required("机构名称"), MaxChars(100)])
    uscc = StringField("统一社会信用代码", filters=[normalize_uscc],
                       validators=[required("统一社会信用代码"), USCC()])
    founded = DateField("成立日期", validators=[required("成立日期"), NotFuture()],
                        render_kw={"type": "date"})
    aum = DecimalField("管理资本规模（亿元）", places=2,
                       validators=[required("管理资本规模"), non_negative("管理资本规模")])
    funds = IntegerField("在管基金数", validators=[required("在管基金数"), non_negative("在管基金数")])
    projects = IntegerField("累计投资项目数", validators=[required("累计投资项目数"),
                                                    non_negative("累计投资项目数")])
    early_ratio = DecimalField("早期科技企业投资占比（%）", places=1, validators=[
        required("早期科技企业投资占比"),
        NumberRange(min=0, max=100, message="投资占比应在0到100之间")])
    cases = Rows(CaseRow, "典型投资案例", max_rows=20, min_rows=1, row_label="个案例")
    post_investment = TextAreaField("投后服务情况", validators=[required("投后服务情况"),
                                                          MaxChars(2000)],
                                    description="不超过2000字")
    intro = TextAreaField("机构简介", validators=[required("机构简介"), MaxChars(2000)],
                          description="不超过2000字")
