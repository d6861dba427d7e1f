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

The raw reads themselves are in whoosh_internals.py (they use private attributes).
"""
from whoosh import fields

from app.search.whoosh_internals import numeric_column_array, ref_bytes_values, var_bytes_values


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
    """The segment's values read in one slice, or None to let Whoosh's reader give them one by one."""
    if not leaf.has_column(fieldname):
        return None
    raw = leaf.column_reader(fieldname, translate=False)
    doccount = leaf.doc_count_all()
    numbers = numeric_column_array(raw, doccount)
    if numbers is not None:
        return _translate_numbers(numbers, field)
    references = ref_bytes_values(raw, doccount)
    if references is not None:
        refs, uniques = references
        translated = [field.from_column_value(value) for value in uniques]  # once per unique value
        return list(map(translated.__getitem__, refs))
    values = var_bytes_values(raw, doccount)
    if values is None:
        return None
    if _stored_as_is(field):
        return values
    translated = {value: field.from_column_value(value) for value in set(values)}  # once per distinct value
    return list(map(translated.__getitem__, values))


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
