"""Small Arrow helpers shared by the readers, the validator and the simulator."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def with_list_values(lists: pa.Array, values: pa.Array) -> pa.ListArray:
    """`lists` (list<…>) with its flattened values replaced by `values`, one for one.

    Works on slices too: a slice's offsets start where the slice does while `flatten()`
    starts at the slice's first value, and Arrow refuses a null bitmap over sliced offsets.
    """
    offsets = lists.offsets
    if lists.offset:
        offsets = pc.subtract(offsets, offsets[0])
    return pa.ListArray.from_arrays(offsets, values, mask=lists.is_null() if lists.null_count else None)


def may_have_padding(strings: pa.Array) -> bool:
    """False when no string in `strings` starts or ends with whitespace, so trimming is a no-op.

    Looks only at each string's first and last byte (two gathers instead of a copy of every
    string); a non-ASCII edge byte counts as maybe-whitespace (U+00A0, U+3000, ...)."""
    if not pa.types.is_string(strings.type) or len(strings) == 0:
        return True
    offsets = np.frombuffer(strings.buffers()[1], np.int32, count=len(strings) + 1, offset=strings.offset * 4)
    data = strings.buffers()[2]
    if data is None:
        return False
    raw = np.frombuffer(data, np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    nonempty = ends > starts
    first, last = raw[starts[nonempty]], raw[ends[nonempty] - 1]
    return bool(((first <= 0x20) | (first >= 0x80)).any() or ((last <= 0x20) | (last >= 0x80)).any())
