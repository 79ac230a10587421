"""Small Arrow helpers shared by the readers, the validator and the simulator."""

from __future__ import annotations

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
