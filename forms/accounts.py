"""Forms for logging in, applying for an account and the secretariat's account management."""
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo

from .common import BaseForm, chosen, required
from .validators import Email, MaxChars, NewPassword, Phone, Username, WholeNumber

PASSWORD_RULE = "至少10位，不能是常见密码，不能包含登录名"


def new_password(label: str, *rules) -> PasswordField:
    """A password being chosen (its rules said under the field)."""
    return PasswordField(label, validators=[required(label), MaxChars(128), *rules],
                         description=PASSWORD_RULE)


def confirmation(label: str, of: str) -> PasswordField:
    """The same password typed again: `of` names the field it repeats."""
    return PasswordField(f"再次输入{label}", validators=[
        required(label), EqualTo(of, message=f"两次输入的{label}不一致")])


class LoginForm(BaseForm):
    username = StringField("登录名", validators=[required("登录名"), MaxChars(40)])
    password = PasswordField("密码", validators=[required("密码"), MaxChars(128)])
    submit = SubmitField("登录")


class ChangePasswordForm(BaseForm):
    current = PasswordField("当前密码", validators=[required("当前密码"), MaxChars(128)])
    new = new_password("新密码", NewPassword())
    confirm = confirmation("新密码", "new")
    submit = SubmitField("修改密码")


class ContactFields(BaseForm):
    """A unit's contact person, phone and e-mail."""

    contact = StringField("联系人", validators=[required("联系人"), MaxChars(30)])
    phone = StringField("联系电话", validators=[required("联系电话"), MaxChars(30), Phone()])
    email = StringField("电子邮箱", validators=[required("电子邮箱"), MaxChars(100), Email()])


class UnitFields(ContactFields):
    """The facts of a recommending unit, shared by the application and the secretariat's form."""

    organisation_name = StringField("单位名称", validators=[required("单位名称"), MaxChars(100)])
    unit_type = SelectField("单位类型", validators=[chosen("单位类型")], validate_choice=True)
    username = StringField("登录名", validators=[required("登录名"), Username()],
                           description="3–40位字母、数字或 _ . -")

    def set_unit_types(self, unit_types):
        self.unit_type.choices = [("", "请选择")] + [(t.code, t.name) for t in unit_types]


class ApplyForm(UnitFields):
    password = new_password("密码", NewPassword("username"))
    confirm = confirmation("密码", "password")
    submit = SubmitField("提交申请")


class ContactForm(ContactFields):
    """A unit's contact person, phone and e-mail (the secretariat edits them)."""

    email = StringField("电子邮箱", validators=[required("电子邮箱"), MaxChars(100), Email()],
                        description="单位账号的消息和找回密码邮件发往此地址")
    submit = SubmitField("保存联系人")


class ForgotPasswordForm(BaseForm):
    username = StringField("登录名", validators=[required("登录名"), MaxChars(40)])
    submit = SubmitField("发送重设密码邮件")


class ResetPasswordForm(BaseForm):
    new = new_password("新密码")
    confirm = confirmation("新密码", "new")
    submit = SubmitField("设置新密码")


class NewUnitForm(UnitFields):
    submit = SubmitField("创建账号")


class ImportUnitsForm(BaseForm):
    file = FileField("XLSX 文件", validators=[FileRequired("请选择要导入的 XLSX 文件")])
    submit = SubmitField("导入")


class DecisionForm(BaseForm):
    comment = StringField("意见", validators=[MaxChars(200)])


class LetterSettingsForm(BaseForm):
    """A unit's own settings for one of its 推荐函: the 发文字号 from its own register, and room
    at the top for pre-printed letterhead paper."""

    number = StringField("发文字号", validators=[MaxChars(40)],
                         description="选填，按本单位发文登记填写，如“中电学函〔2021〕15号”；印在标题上方右侧")
    letterhead_mm = StringField("信纸版头预留（毫米）", validators=[WholeNumber(0, 80)],
                                description="使用印有版头的信纸打印时，在顶部留出的高度；不用时填0")
    submit = SubmitField("保存并重新生成推荐函")
