"""Split version JSON: the seed's layout (``json.dump(indent=2)``), written fast.

The standard library falls back to its pure-Python encoder when ``indent`` is set, which
costs ~0.3 s for 100,000 IDs; this writes the same bytes with the C string encoder.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _encode_str


def dumps_split(data: dict) -> str:
    """``json.dumps(data, indent=2)``, byte for byte, for a dict of scalars and string lists."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(type(x) is str for x in value):
            body = "[\n    " + ",\n    ".join(map(_encode_str, value)) + "\n  ]"
        else:
            body = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {_encode_str(str(key))}: {body}")
    if not parts:
        return "{}"
    return "{\n" + ",\n".join(parts) + "\n}"
