"""Every use of Whoosh's private internals, in one module.

The rest of app/search uses Whoosh's public API. These few reads reach inside because the public way
costs one Python call per document or per posting, which at 100,000 products is most of a search (see
docs/search.md): whole columns read in one slice, whole posting blocks at once, the per-segment
field-length column, a segment written without the index lock by a forked build process, and one
patched method that stops Whoosh from stat()ing the filesystem for every posting it writes.

They were checked against Whoosh-Reloaded VERIFIED_VERSION. `check_whoosh_version()` runs at start-up
(init_search) and refuses any other version, and tests/search/test_whoosh_internals.py compares each
reader here with Whoosh's public answer, so an upgrade that changes an internal fails loudly instead
of returning wrong prices or scores.
"""
import sys
from array import array
from itertools import accumulate

import whoosh
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

VERIFIED_VERSION = (2, 7, 5)
_NEEDS_SWAP = sys.byteorder == "little"  # Whoosh writes numbers big-endian ("!")


class UnverifiedWhoosh(RuntimeError):
    """The installed Whoosh is not the version these internals were checked against."""


def check_whoosh_version(installed=None):
    installed = tuple(installed or whoosh.__version__)[:3]
    if installed != VERIFIED_VERSION:
        raise UnverifiedWhoosh(
            f"Whoosh {'.'.join(map(str, installed))} is installed, but app/search/whoosh_internals.py was "
            f"checked against {'.'.join(map(str, VERIFIED_VERSION))}. Pin Whoosh-Reloaded=="
            f"{'.'.join(map(str, VERIFIED_VERSION))}, or run tests/search/test_whoosh_internals.py against the "
            "new version and update VERIFIED_VERSION once it passes.")


# --- writing --------------------------------------------------------------------------------------------

def install_length_lookup_cache():
    """Whoosh 2.7 looks up a field-length column for every posting it writes and, for fields without
    lengths (ids, numbers, booleans), asks the filesystem each time whether that column file exists:
    hundreds of thousands of stat() calls per build. Remember the answer, "no column" included (about
    three times faster commits). Idempotent."""
    if getattr(whoosh3.W3PerDocReader._cached_reader, "remembers_missing", False):  # noqa: SLF001
        return
    missing = object()

    def cached_reader(self, fieldname, column):
        reader = self._readers.get(fieldname, missing)  # noqa: SLF001
        if reader is missing:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader  # noqa: SLF001
        return reader

    cached_reader.remembers_missing = True
    whoosh3.W3PerDocReader._cached_reader = cached_reader  # noqa: SLF001


def unlocked_segment_writer(ix, **options):
    """A writer for one new segment without taking the index lock: a forked build process writes its
    own segment and the parent commits them all together (what Whoosh's own MpWriter does)."""
    return SegmentWriter(ix, _lk=False, **options)


def finished_segment(writer):
    """Close the writer's segment without committing a table of contents; returns the segment."""
    return writer._finalize_segment()  # noqa: SLF001


# --- columns --------------------------------------------------------------------------------------------

def numeric_column_array(raw, doccount):
    """An untranslated NumericColumn reader's values as an array (one number per document, the
    column's default past its end), or None when it is not laid out as Whoosh 2.7 writes it."""
    if not isinstance(raw, NumericColumn.Reader):
        return None
    typecode, width = raw._typecode, raw._fixedlen  # noqa: SLF001
    if typecode not in "bBhHiIlLqQ" or array(typecode).itemsize != width:
        return None
    count = min(raw._count, doccount)  # noqa: SLF001
    data = raw._dbfile.get(raw._basepos, count * width)  # noqa: SLF001
    if len(data) != count * width:
        return None
    numbers = array(typecode, data)
    if _NEEDS_SWAP and numbers.itemsize > 1:
        numbers.byteswap()
    numbers.extend([raw._default] * (doccount - count))  # noqa: SLF001
    return numbers


def var_bytes_values(raw, doccount):
    """A VarBytesColumn reader's values (bytes, in document order), or None when not laid out as
    Whoosh 2.7 writes it: the values back to back, their lengths in an array the reader has loaded."""
    if not isinstance(raw, VarBytesColumn.Reader):
        return None
    lengths = raw._lengths  # noqa: SLF001
    if len(lengths) != doccount:
        return None
    ends = list(accumulate(lengths))
    total = ends[-1] if ends else 0
    data = raw._dbfile.get(raw._basepos, total)  # noqa: SLF001
    if len(data) != total:
        return None
    return list(map(data.__getitem__, map(slice, [0, *ends[:-1]], ends)))  # sliced at C speed


def ref_bytes_values(raw, doccount):
    """A RefBytesColumn reader as (one reference per document, the unique values they point at), or
    None when not laid out as Whoosh 2.7 writes it."""
    if not isinstance(raw, RefBytesColumn.Reader):
        return None
    itemsize, typecode = raw._itemsize, raw._typecode  # noqa: SLF001
    if typecode not in "BHIL" or array(typecode).itemsize != itemsize:
        return None
    data = raw._dbfile.get(raw._basepos, doccount * itemsize)  # noqa: SLF001
    if len(data) != doccount * itemsize:
        return None
    refs = array(typecode, data)
    if _NEEDS_SWAP and itemsize > 1:
        refs.byteswap()
    return refs, list(raw._uniques)  # noqa: SLF001


# --- scoring --------------------------------------------------------------------------------------------

def plain_bm25f(weighting):
    """(B, K1) when `weighting` is Whoosh's BM25F without per-field B values, else None."""
    if not isinstance(weighting, BM25F) or weighting._field_B:  # noqa: SLF001
        return None
    return weighting.B, weighting.K1


def field_length_column(reader, fieldname):
    """A segment reader's byte-encoded length column for `fieldname` (what doc_field_length reads one
    document at a time), or None."""
    cached = getattr(getattr(reader, "_perdoc", None), "_cached_reader", None)
    return cached(f"_{fieldname}_len", LENGTHS_COLUMN) if cached is not None else None


def posting_blocks(reader, fieldname, btext):
    """(segment docnums, weights) of a term, a whole block at a time; deleted documents included."""
    matcher = reader.postings(fieldname, btext)
    matcher = getattr(matcher, "child", matcher)  # the deleted-documents filter; callers check deletions
    if isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "_read_ids"):
        while matcher.is_active():
            matcher._read_ids()  # noqa: SLF001
            matcher._read_weights()  # noqa: SLF001
            yield matcher._ids, matcher._weights  # noqa: SLF001
            matcher._next_block()  # noqa: SLF001
        return
    ids, weights = [], []
    while matcher.is_active():  # any other matcher: the public API, one posting at a time
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights
