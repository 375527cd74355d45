"""Row forms of the repeating groups (主要完成人, 知识产权, 融资情况, …)."""
from wtforms import DateField, DecimalField, SelectField, StringField

from .common import NotFuture, RowForm, non_negative, optional, required
from .validators import MaxChars

IP_TYPES = ["发明专利", "实用新型", "软件著作权", "标准", "其他"]
PARTNER_TYPES = ["企业", "高校", "科研院所", "其他"]


def choices(values, prompt="请选择"):
    return [("", prompt)] + [(v, v) for v in values]


class NameRow(RowForm):
    name = StringField("名称", validators=[required("名称"), MaxChars(100)])


class PersonRow(RowForm):
    name = StringField("姓名", validators=[required("姓名"), MaxChars(30)])
    unit = StringField("工作单位", validators=[required("工作单位"), MaxChars(100)])
    title = StringField("职称", validators=[MaxChars(30)])
    contribution = StringField("主要贡献", validators=[required("主要贡献"), MaxChars(200)])


class IPRow(RowForm):
    kind = SelectField("类型", choices=choices(IP_TYPES), validators=[required("类型")])
    name = StringField("名称", validators=[required("名称"), MaxChars(100)])
    number = StringField("编号", validators=[required("编号"), MaxChars(50)])
    granted = DateField("授权日期", validators=[optional(), NotFuture()],
                        render_kw={"type": "date"})


class FinancingRow(RowForm):
    round = StringField("轮次", validators=[required("轮次"), MaxChars(20)])
    amount = DecimalField("金额（万元）", places=2,
                          validators=[required("金额"), non_negative("金额")])
    investors = StringField("投资方", validators=[required("投资方"), MaxChars(200)])
    date = DateField("日期", validators=[required("日期"), NotFuture()], render_kw={"type": "date"})


class MemberRow(RowForm):
    name = StringField("成员单位名称", validators=[required("成员单位名称"), MaxChars(100)])
    kind = SelectField("类型", choices=choices(PARTNER_TYPES), validators=[required("类型")])


class CaseRow(RowForm):
    company = StringField("被投企业", validators=[required("被投企业"), MaxChars(100)])
    round = StringField("轮次", validators=[required("轮次"), MaxChars(20)])
    amount = DecimalField("投资金额（万元）", places=2,
                          validators=[required("投资金额"), non_negative("投资金额")])
    date = DateField("投资时间", validators=[required("投资时间"), NotFuture()],
                     render_kw={"type": "date"})
    exit = StringField("退出情况", validators=[MaxChars(100)])


class IndicatorRow(RowForm):
    indicator = StringField("指标", validators=[required("指标"), MaxChars(100)])
    ours = StringField("本技术", validators=[required("本技术指标"), MaxChars(100)])
    foreign = StringField("国外先进水平", validators=[required("国外先进水平"), MaxChars(100)])
