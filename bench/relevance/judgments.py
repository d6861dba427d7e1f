"""The judged queries: `set/results.txt` (results page) and `set/suggestions.txt` (as-you-type).

    levi's jeans | possessive
        3 LV501 LV511 LV721 LVSM
        1 LVHM LVTJ

A query line is the text exactly as typed (a suggestion prefix keeps its trailing space, if any, written
as `␣`), then `|` and its patterns. Each indented line is a grade (0-3) and the products it applies to:
a SKU, a family code (every `CODE-*` variant) or a glob. A product named twice keeps its highest grade.
"""
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.relevance.catalog import SET_DIR

RESULTS_FILE = SET_DIR / "results.txt"
SUGGESTIONS_FILE = SET_DIR / "suggestions.txt"
GOOD = 2  # the grade from which a product counts as a good answer (MRR)


class JudgmentError(ValueError):
    pass


@dataclass
class JudgedQuery:
    text: str
    patterns: tuple
    grades: dict = field(default_factory=dict)  # sku -> 1..3
    line: int = 0

    @property
    def ideal(self):
        return sorted(self.grades.values(), reverse=True)


def matches(token, sku):
    return sku == token or sku.startswith(token + "-") or fnmatch.fnmatchcase(sku, token)


def parse(path, skus):
    """[JudgedQuery] from a judgments file; every product token must name at least one of `skus`."""
    queries, current = [], None
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        where = f"{Path(path).name}:{number}"
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            text, bar, patterns = raw.partition("|")
            if not bar or not text.strip() or not patterns.split():
                raise JudgmentError(f"{where}: expected 'query | pattern [pattern ...]'")
            current = JudgedQuery(text=text.strip().replace("␣", " "), patterns=tuple(patterns.split()), line=number)
            queries.append(current)
            continue
        grade, *tokens = raw.split()
        if current is None or not re.fullmatch(r"[0-3]", grade) or not tokens:
            raise JudgmentError(f"{where}: expected 'grade SKU [SKU ...]' under a query")
        for token in tokens:
            named = [sku for sku in skus if matches(token, sku)]
            if not named:
                raise JudgmentError(f"{where}: {token} names no product")
            for sku in named:
                current.grades[sku] = max(current.grades.get(sku, 0), int(grade))
    for query in queries:
        if not any(grade >= GOOD for grade in query.grades.values()):
            raise JudgmentError(f"{Path(path).name}:{query.line}: {query.text!r} has no product graded {GOOD} or more")
    return queries
