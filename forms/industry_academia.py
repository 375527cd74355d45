"""产学研融通组织榜: one organisation joining industry, universities and research institutes."""
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField

from .choices import ORG_TYPES
from .common import NotFuture, Rows, chosen, non_negative, required
from .nomination import NominationForm
from .rows import MemberRow
from .validators import USCC, MaxChars, normalize_uscc


class IndustryAcademiaForm(NominationForm):
    LIST_CODE = "cxyrt"
    UNIT_FIELD = "lead_unit"
    TITLE_FIELD = "org_name"
    DEDUPE_FIELD = "lead_uscc"
    PARTY_FIELDS = (("lead_unit", "牵头单位"), ("org_name", "被推荐组织"), ("members.name", "成员单位"))
    SECTIONS = [
        ("组织基本信息", ["org_name", "org_type", "founded", "lead_unit", "lead_uscc"]),
        ("成员单位", ["members"]),
        ("运行与成果", ["mechanism", "achievements", "transfer_income"]),
    ]

    org_name = StringField("组织名称", validators=[required("组织名称"), MaxChars(100)])
    org_type = SelectField("组织类型", choices=[("", "请选择")] + [(t, t) for t in ORG_TYPES],
                           validators=[chosen("组织类型")])
    founded = DateField("成立日期", validators=[required("成立日期"), NotFuture()],
                        render_kw={"type": "date"})
    lead_unit = StringField("牵头单位", validators=[required("牵头单位"), MaxChars(100)])
    lead_uscc = StringField("牵头单位统一社会信用代码", filters=[normalize_uscc],
                            validators=[required("统一社会信用代码"), USCC()])
    members = Rows(MemberRow, "成员单位", max_rows=200, min_rows=1, row_label="个成员单位")
    mechanism = TextAreaField("运行机制", validators=[required("运行机制"), MaxChars(2000)],
                              description="不超过2000字")
    achievements = TextAreaField("主要成果", validators=[required("主要成果"), MaxChars(2000)],
                                 description="不超过2000字")
    transfer_income = DecimalField("近三年成果转化收入（万元）", places=2,
                                   validators=[required("近三年成果转化收入"),
                                               non_negative("成果转化收入")])
