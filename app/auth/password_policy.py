"""Password rules after OWASP ASVS (V2.1): length only, no composition rules, and no common passwords.

The common-password list is the 30,000 most common passwords that the zxcvbn package ships
(zxcvbn.frequency_lists, MIT licence); zxcvbn also gives the strength feedback shown while typing.
"""
from functools import lru_cache

MIN_LENGTH = 8
MAX_LENGTH = 1024  # ASVS asks for at least 128; long passphrases are welcome
FEEDBACK_INPUT_LIMIT = 72  # zxcvbn refuses longer input (its work grows with length); 72 characters tell enough


class PasswordRejected(ValueError):
    """The message is safe to show next to the password field."""


@lru_cache(maxsize=1)
def common_passwords():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password, *, email=None, name=None):
    """Raise PasswordRejected with the reason, or return None when the password is acceptable."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"Password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Password must be at most {MAX_LENGTH} characters long.")
    lowered = password.lower()
    if lowered in common_passwords():
        raise PasswordRejected("That password is one of the most common passwords. Please choose another.")
    if email and lowered == email.strip().lower():
        raise PasswordRejected("Your password must not be your email address.")


def password_feedback(password, *, email=None, name=None):
    """Strength feedback for the form: {'score': 0-4, 'label', 'problem', 'suggestions'}."""
    from zxcvbn import zxcvbn

    problem = None
    try:
        check_password(password, email=email, name=name)
    except PasswordRejected as error:
        problem = str(error)
    if not password:
        return {"score": 0, "label": "", "problem": None, "suggestions": []}
    inputs = [value for value in (email, name) if value]
    result = zxcvbn(password[:FEEDBACK_INPUT_LIMIT], user_inputs=inputs)
    labels = ("very weak", "weak", "fair", "strong", "very strong")
    score = 0 if problem else result["score"]
    suggestions = [result["feedback"]["warning"]] if result["feedback"]["warning"] else []
    suggestions += result["feedback"]["suggestions"]
    return {"score": score, "label": labels[score], "problem": problem, "suggestions": suggestions[:3]}
