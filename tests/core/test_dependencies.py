"""The dependency locks: every direct pin of requirements*.txt is in its lock at the same version, every
locked file carries a hash, and the dev lock installs the runtime packages at the runtime lock's versions.
A failure here means requirements*.txt changed without `make lock`."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_pins(path):
    """{name: version} of a requirements file, following `-r other.txt`."""
    pins = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(direct_pins(line[3:].strip()))
        elif match := PIN.match(line):
            pins[normalise(match[1])] = match[2]
    return pins


def locked(path):
    """[(name, version, hashes)] of a lock file written by `make lock` (uv pip compile)."""
    entries, current = [], None
    for line in (ROOT / path).read_text().splitlines():
        if match := PIN.match(line):
            current = (normalise(match[1]), match[2], [])
            entries.append(current)
        elif current is not None and (hash_match := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            current[2].append(hash_match[1])
    return entries


@pytest.mark.parametrize("requirements, lock", [("requirements.txt", "requirements.lock"),
                                                ("requirements-dev.txt", "requirements-dev.lock")])
def test_every_direct_pin_is_locked_at_its_version(requirements, lock):
    versions = {}
    for name, version, _hashes in locked(lock):
        versions.setdefault(name, set()).add(version)
    stale = {name: version for name, version in direct_pins(requirements).items()
             if version not in versions.get(name, set())}
    assert stale == {}, f"{requirements} pins {stale}, which {lock} lacks: run `make lock` and commit the locks"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_hashes(lock):
    entries = locked(lock)
    assert len(entries) > 20  # the whole tree, not only the direct dependencies
    assert [name for name, _version, hashes in entries if not hashes] == []


def test_the_dev_lock_keeps_the_runtime_versions():
    runtime = {(name, version) for name, version, _ in locked("requirements.lock")}
    dev = {(name, version) for name, version, _ in locked("requirements-dev.lock")}
    assert runtime - dev == set()


def test_installs_read_only_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "pip install" in line or "PIP_INSTALL)" in line]
    assert installs and all("--require-hashes" in line or "$(PIP_INSTALL)" in line for line in installs)
    assert re.search(r"PIP_INSTALL := .*--require-hashes", makefile)
    assert "-r requirements.lock" in makefile and "-r requirements-dev.lock" in makefile
    assert not re.search(r"-r requirements(-dev)?\.txt", makefile)
