"""The password rule: at least 8 characters, not one of the passwords attackers try first,
not the user name (nor containing it), and not one character repeated.

``COMMON`` holds the most used passwords of public breach lists (the English and Chinese
top lists: digit runs, keyboard walks, ``woaini`` …); it is compared without regard to case.
"""

from __future__ import annotations

from baotong.core.exceptions import ValidationError

MIN_LENGTH = 8
_LIST = """
password password1 password12 password123 passw0rd p@ssw0rd p@ssword pass1234 passpass
12345678 123456789 1234567890 0123456789 87654321 98765432 11111111 22222222 33333333
44444444 55555555 66666666 77777777 88888888 99999999 00000000 12121212 11223344 12341234
12344321 11112222 12312312 123123123 12345678910 147258369 123456abc 123456789a 1234567a
a1234567 a12345678 a123456789 abc12345 abc123456 abcd1234 abcdefgh 1q2w3e4r 1q2w3e4r5t
1qaz2wsx 1qazxsw2 2wsx3edc qazwsxedc qwertyui qwertyuiop qwerty12 qwerty123 qwer1234
asdfghjk asdfghjkl zxcvbnm1 zxcvbnm123 asdf1234 zaq12wsx iloveyou iloveyou1 letmein1
welcome1 welcome123 sunshine princess football baseball superman batman12 dragon12
monkey12 master12 trustno1 starwars whatever computer internet admin123 admin1234
administrator root1234 changeme changeme1 default1 secret12 secret123 test1234 testtest
guest123 user1234 login123 qweasdzxc 1234qwer qwer4321 woaini1314 woaini520 5201314520
woaiwojia 1314520 52013145 wangyiming woaini123 iloveyou520 aaaaaaaa abcabcabc zhang123
wang1234 li123456 china123 beijing2008 baotong1 baotong123 chinapost ems12345 youzheng
"""
COMMON = frozenset(_LIST.split())


def check_password(password: str, *, username: str | None = None) -> None:
    """Refuse a password the rule does not allow (``ValidationError`` on ``password``)."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"must be at least {MIN_LENGTH} characters.",
                              code="user.short_password", field="password")  # fmt: skip
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) == 1:
        raise ValidationError("is one of the passwords tried first; choose another.",
                              code="user.common_password", field="password")  # fmt: skip
    if username and username.lower() in lowered:
        raise ValidationError("must not contain the user name.",
                              code="user.password_has_name", field="password")  # fmt: skip
