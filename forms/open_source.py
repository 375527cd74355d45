"""开源创新榜: one open-source project or community."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField

from .choices import LICENSES, OSS_CATEGORIES
from .common import HttpsURL, NotFuture, Rows, chosen, non_negative, required
from .nomination import NominationForm
from .rows import NameRow
from .validators import MaxChars


def normalize_repo_url(value):
    if not isinstance(value, str):
        return value
    return value.strip().removesuffix("/").removesuffix(".git")


def _count(label):
    return IntegerField(label, validators=[required(label), non_negative(label)])


class OpenSourceForm(NominationForm):
    LIST_CODE = "kycx"
    UNIT_FIELD = "maintainer"
    TITLE_FIELD = "project_name"
    DEDUPE_FIELD = "repo_url"
    PARTY_FIELDS = (("maintainer", "主要维护单位"),)
    SECTIONS = [
        ("项目基本信息", ["project_name", "category", "repo_url", "license", "first_release",
                    "maintainer"]),
        ("社区数据", ["stars", "forks", "contributors", "commits_last_year"]),
        ("主要采用者", ["adopters"]),
        ("项目说明", ["intro", "innovation", "community"]),
    ]

    project_name = StringField("项目名称", validators=[required("项目名称"), MaxChars(100)])
    category = SelectField("类别", choices=[("", "请选择")] + [(c, c) for c in OSS_CATEGORIES],
                           validators=[chosen("类别")])
    repo_url = StringField("代码仓库地址", filters=[normalize_repo_url],
                           validators=[required("代码仓库地址"), MaxChars(200), HttpsURL()],
                           description="以 https:// 开头")
    license = SelectField("开源许可证", choices=[("", "请选择")] + [(x, x) for x in LICENSES],
                          validators=[chosen("开源许可证")],
                          description="OSI 批准的许可证（SPDX 标识）或木兰宽松许可证第2版")
    first_release = DateField("首次发布日期", validators=[required("首次发布日期"), NotFuture()],
                              render_kw={"type": "date"})
    maintainer = StringField("主要维护单位", validators=[required("主要维护单位"), MaxChars(100)])
    stars = _count("Star 数")
    forks = _count("Fork 数")
    contributors = _count("贡献者数")
    commits_last_year = _count("近一年提交数")
    adopters = Rows(NameRow, "主要采用者",
                    max_rows=50, row_label="个采用者")
    intro = TextAreaField("项目简介", validators=[required("项目简介"), MaxChars(2000)],
                          description="不超过2000字")
    innovation = TextAreaField("创新性", validators=[required("创新性"), MaxChars(2000)],
                               description="不超过2000字")
    community = TextAreaField("社区建设情况", validators=[required("社区建设情况"), MaxChars(2000)],
                              description="不超过2000字")
