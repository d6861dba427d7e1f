"""Password hashing: scrypt at N=2^17, r=8, p=1 (OWASP's minimum for scrypt), via Werkzeug.

Werkzeug stores the parameters in the hash ("scrypt:131072:8:1$salt$hash"), so a hash made with weaker
parameters is recognised by needs_rehash() and upgraded at the next successful login.
"""
from werkzeug.security import check_password_hash, generate_password_hash

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
METHOD = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"


def hash_password(password, method=METHOD):
    return generate_password_hash(password, method=method, salt_length=16)


def verify_password(password_hash, password):
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash):
    return not password_hash.startswith(METHOD + "$")
