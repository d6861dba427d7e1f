"""Password hashing: scrypt at N=2^17, r=8, p=1 (OWASP's minimum for scrypt), via Werkzeug.

Werkzeug stores the parameters in the hash ("scrypt:131072:8:1$salt$hash"), so a hash made with weaker
parameters is recognised by needs_rehash() and upgraded at the next successful login.
"""
from werkzeug.security import check_password_hash, generate_password_hash

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
METHOD = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"

# A login that names an unknown email is checked against this hash, so that it costs one scrypt check,
# like a wrong password. It is a constant rather than made at run time: made lazily, the first miss
# after a start paid for making it too (2-3x slower, which told that the email had no account); made at
# startup, every process and every `flask` command would pay a scrypt. It guards nothing, so any hash
# with today's parameters will do (tests/auth/test_passwords.py fails if METHOD moves on). Regenerate:
#   python -c "from app.auth.passwords import hash_password; print(hash_password('not a real password'))"
DUMMY_HASH = ("scrypt:131072:8:1$iNmgw3doSK66SAFt$9da82254af822071cc39b20b4e544540482987d7cd0586b3a34001d5f1"
              "87e0188b5d6e8b9170f815c13986cd6640011aa64c36da11b50aea9289cdb739224e2a")


def hash_password(password, method=METHOD):
    return generate_password_hash(password, method=method, salt_length=16)


def verify_password(password_hash, password):
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash):
    return not password_hash.startswith(METHOD + "$")
