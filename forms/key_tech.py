"""突破短板关键技术榜（装备制造领域）: one technology that closes a gap."""
from wtforms import SelectField, StringField, TextAreaField

from .choices import TRL
from .common import Rows, chosen, int_or_none, required
from .nomination import NominationForm
from .rows import IndicatorRow, IPRow
from .validators import USCC, MaxChars, normalize_uscc


class KeyTechForm(NominationForm):
    LIST_CODE = "tpdb"
    UNIT_FIELD = "unit"
    TITLE_FIELD = "tech_name"
    DEDUPE_FIELD = "unit_uscc"
    PARTY_FIELDS = (("unit", "完成单位"),)
    DEDUPE_KIND = "technology"
    SECTIONS = [
        ("基本信息", ["tech_name", "unit", "unit_uscc", "weak_link"]),
        ("技术指标对比", ["indicators"]),
        ("国产化与成熟度", ["localization", "trl"]),
        ("知识产权", ["ip"]),
        ("应用情况", ["application"]),
    ]

    tech_name = StringField("技术名称", validators=[required("技术名称"), MaxChars(50)],
                            description="不超过50字")
    unit = StringField("完成单位", validators=[required("完成单位"), MaxChars(100)])
    unit_uscc = StringField("完成单位统一社会信用代码", filters=[normalize_uscc],
                            validators=[required("统一社会信用代码"), USCC()])
    weak_link = TextAreaField("所破解的短板环节", validators=[required("所破解的短板环节"),
                                                       MaxChars(1000)],
                              description="不超过1000字")
    indicators = Rows(IndicatorRow, "技术指标对比", max_rows=30, min_rows=1, row_label="项指标")
    localization = TextAreaField("国产化替代情况", validators=[required("国产化替代情况"),
                                                        MaxChars(2000)],
                                 description="不超过2000字")
    trl = SelectField("技术成熟度", coerce=int_or_none, choices=[("", "请选择")] + TRL,
                      validators=[chosen("技术成熟度")])
    ip = Rows(IPRow, "知识产权", max_rows=30, row_label="项")
    application = TextAreaField("应用情况", validators=[required("应用情况"), MaxChars(2000)],
                                description="不超过2000字")
