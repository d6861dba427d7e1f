"""Whole index columns (price, category, created, ...) read in one slice per segment.

Why: facets, price buckets and sorts read a column for every document. Whoosh's column readers give
one value per Python call (a seek, a read, a struct unpack, a translation), which cost ~0.5 s for
the three columns at 100,000 products, paid by the first results page in each worker after every
index change (and a product edit is an index change). The fixed-width columns Whoosh 2.7 writes are
plain arrays on disk: one read and an array() give the same values at C speed. A column laid out in
any other way falls back to Whoosh's reader, value by value.

It also reads segment by segment, one value per document. Whoosh's MultiReader.column_reader() leaves
out a segment that has no column file (the segment holding only the watermark's meta document), so
iterating it came out one value short and every later document, an edited product among them, was
filtered, faceted and sorted by its neighbour's price and category.
"""
import sys
from array import array
from itertools import accumulate

from whoosh import fields
from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn

_NEEDS_SWAP = sys.byteorder == "little"  # Whoosh writes the numbers big-endian ("!")


def read_column(reader, fieldname):
    """Every document's value of the column, in document-number order: what
    reader.column_reader(fieldname)[docnum] gives, segment by segment, for every docnum (and a
    segment without the column gives its default for each of its documents)."""
    field = reader.schema[fieldname]
    values = []
    for leaf, _offset in reader.leaf_readers():
        fast = _read_leaf(leaf, fieldname, field)
        values.extend(fast if fast is not None else leaf.column_reader(fieldname))
    return values


def _read_leaf(leaf, fieldname, field):
    if not leaf.has_column(fieldname):
        return None
    raw = leaf.column_reader(fieldname, translate=False)
    doccount = leaf.doc_count_all()
    if isinstance(raw, NumericColumn.Reader):
        numbers = numeric_column_values(raw, doccount)
        return None if numbers is None else _translate_numbers(numbers, field)
    if isinstance(raw, RefBytesColumn.Reader):
        return _references(raw, doccount, field)
    if isinstance(raw, VarBytesColumn.Reader):
        return _variable_bytes(raw, doccount, field)
    return None


def numeric_column_values(raw, doccount):
    """An untranslated NumericColumn reader's values as an array (one number per document), or None
    when the reader is not laid out as Whoosh 2.7 writes it."""
    if not isinstance(raw, NumericColumn.Reader):
        return None
    typecode = raw._typecode  # noqa: SLF001 - the reader's own layout, checked below
    if typecode not in "bBhHiIlLqQ" or array(typecode).itemsize != raw._fixedlen:  # noqa: SLF001
        return None
    count = min(raw._count, doccount)  # noqa: SLF001 - documents past _count hold the default
    data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)  # noqa: SLF001
    if len(data) != count * raw._fixedlen:  # noqa: SLF001
        return None
    numbers = array(typecode, data)
    if _NEEDS_SWAP and numbers.itemsize > 1:
        numbers.byteswap()
    numbers.extend([raw._default] * (doccount - count))  # noqa: SLF001
    return numbers


def _translate_numbers(numbers, field):
    """What field.from_column_value() makes of each number."""
    if isinstance(field, fields.NUMERIC):
        if field.numtype is not int or field.decimal_places:
            return None  # floats and decimals: not worth a fast path here
        shift = (1 << (field.bits - 1)) if field.signed else 0
        return [n - shift for n in numbers] if shift else numbers.tolist()
    if _stored_as_is(field):
        return numbers.tolist()
    return None


def _stored_as_is(field):
    """A COLUMN field hands its column values back as stored (no translation)."""
    return isinstance(field, fields.COLUMN) and type(field).from_column_value is fields.FieldType.from_column_value


def _variable_bytes(raw, doccount, field):
    """A VarBytes column (the category slug, the name sort key): the values back to back in document
    order, their lengths in an array the reader has already loaded."""
    lengths = raw._lengths  # noqa: SLF001
    if len(lengths) != doccount:
        return None
    ends = list(accumulate(lengths))
    data = raw._dbfile.get(raw._basepos, ends[-1] if ends else 0)  # noqa: SLF001
    if len(data) != (ends[-1] if ends else 0):
        return None
    values = list(map(data.__getitem__, map(slice, [0, *ends[:-1]], ends)))  # sliced at C speed
    if _stored_as_is(field):
        return values
    translated = {value: field.from_column_value(value) for value in set(values)}  # once per distinct value
    return list(map(translated.__getitem__, values))


def _references(raw, doccount, field):
    """A RefBytes column: one small reference per document into a list of unique values, so the
    translation runs once per unique value, not per document."""
    itemsize = raw._itemsize  # noqa: SLF001
    typecode = raw._typecode  # noqa: SLF001
    if typecode not in "BHIL" or array(typecode).itemsize != itemsize:
        return None
    data = raw._dbfile.get(raw._basepos, doccount * itemsize)  # noqa: SLF001
    if len(data) != doccount * itemsize:
        return None
    refs = array(typecode, data)
    if _NEEDS_SWAP and itemsize > 1:
        refs.byteswap()
    uniques = [field.from_column_value(value) for value in raw._uniques]  # noqa: SLF001
    return list(map(uniques.__getitem__, refs))
