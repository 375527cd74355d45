import pytest

from forms.validators import email_error, normalize_uscc, phone_error, uscc_error


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q",
                                  " 91110108551385082q ", "91350100m000100y43"])
def test_valid_uscc(code):
    assert uscc_error(code) is None
    assert normalize_uscc(code) == code.strip().upper()


@pytest.mark.parametrize("code,message", [
    ("91350100M000100Y44", "校验位不正确"),
    ("9135010", "应为18位"),
    ("91350100M000100YI3", "无效字符"),   # I is not in the character set
    ("91350100M000100YO3", "无效字符"),
])
def test_invalid_uscc(code, message):
    assert message in uscc_error(code)


@pytest.mark.parametrize("phone", ["13912345678", "010-68517798", "0571-85155050",
                                   "01068517798", "010-68517798-123"])
def test_valid_phones(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize("phone", ["12345", "23912345678", "1391234567", "68517798", "abc"])
def test_invalid_phones(phone):
    assert "手机号码" in phone_error(phone)


def test_email():
    assert email_error("a@example.org") is None
    assert email_error("not-an-email") == "电子邮箱格式不正确"
