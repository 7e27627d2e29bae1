"""The report as indented JSON, fast: byte for byte what json.dumps(obj, ensure_ascii=False, indent=2) writes, but
lists of plain values are joined at C speed and dicts are walked without the json module's pure-Python indenting
encoder and its generator per level (which needs seconds for a year of data's million values). `pieces` gives the
same text in pieces (a group at a time), for writing it out as it is made rather than as one 34 MB string."""
from __future__ import annotations

import json
from typing import Iterator
from json.encoder import encode_basestring as _str  # what json.dumps(ensure_ascii=False) uses for strings

_PAD = "  "


def dumps(obj: object) -> str:
    """json.dumps(obj, ensure_ascii=False, indent=2), faster for big reports."""
    _seen.clear()
    try:
        return _value(obj, "")
    finally:
        _seen.clear()


def pieces(obj: object, levels: int = 2) -> Iterator[str]:
    """dumps(obj) in consecutive pieces: the top `levels` levels of dicts and lists are walked here, a piece per key
    and per item, and everything below each is one piece ("".join(pieces(obj)) == dumps(obj))."""
    _seen.clear()
    try:
        yield from _pieces(obj, "", levels)
    finally:
        _seen.clear()


def _pieces(o: object, pad: str, levels: int) -> Iterator[str]:
    t = type(o)
    if levels <= 0 or not o or (t is not dict and t is not list and t is not tuple):
        yield _value(o, pad)
        return
    inner = pad + _PAD
    items = o.items() if t is dict else ((None, v) for v in o)
    yield "{" if t is dict else "["
    sep = "\n" + inner
    for k, v in items:
        yield sep if t is not dict else sep + (_str(k) if type(k) is str else _key(k)) + ": "
        yield from _pieces(v, inner, levels - 1)
        sep = ",\n" + inner
    yield "\n" + pad + ("}" if t is dict else "]")


# (id, indent) -> text of the lists met so far in this dumps() (a list shared by many entries, e.g. the same check-in
# days, is written once; the object is alive all through the call, so its id cannot be reused meanwhile)
_seen: dict[tuple[int, str], str] = {}


def _value(o: object, pad: str) -> str:
    t = type(o)
    if t is str:
        return _str(o)
    if t is int:
        return str(o)
    if t is dict:
        return _dict(o, pad)
    if t is list or t is tuple:
        return _list(o, pad)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, (int, float)):
        return json.dumps(o)  # int and float subclasses, NaN and Infinity exactly as json writes them
    if isinstance(o, str):
        return _str(o)
    if isinstance(o, dict):
        return _dict(o, pad)
    if isinstance(o, (list, tuple)):
        return _list(o, pad)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _key(k: object) -> str:
    if isinstance(k, str):
        return _str(k)
    if isinstance(k, (int, float, bool)) or k is None:
        return _str(json.dumps(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _dict(o: dict, pad: str) -> str:
    if not o:
        return "{}"
    inner = pad + _PAD
    parts = []
    for k, v in o.items():
        key = _str(k) if type(k) is str else _key(k)
        t = type(v)
        if t is str:
            parts.append(f"{key}: {_str(v)}")
        elif t is int:
            parts.append(f"{key}: {v}")
        elif t is list:
            parts.append(f"{key}: {_list(v, inner)}")
        elif t is dict:
            parts.append(f"{key}: {_dict(v, inner)}")
        else:
            parts.append(f"{key}: {_value(v, inner)}")
    return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + pad + "}"


def _list(o: list | tuple, pad: str) -> str:
    if not o:
        return "[]"
    if (text := _seen.get((id(o), pad))) is not None:
        return text
    inner = pad + _PAD
    sep = ",\n" + inner
    types = set(map(type, o))
    if types == {int}:
        body = sep.join(map(str, o))
    elif types == {str}:
        body = sep.join(map(_str, o))
    else:
        body = sep.join([_value(x, inner) for x in o])
    text = _seen[(id(o), pad)] = "[\n" + inner + body + "\n" + pad + "]"
    return text
