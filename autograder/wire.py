"""The grader's wire between the judge (trusted) and a student's kernel (untrusted).

Only data crosses: JSON text in length-prefixed frames on a Unix socket, arrays' raw bytes after
the text (see ``recv``); never pickle, never ``eval``. Both ends use this module (the kernel imports
it from the course's environment).

Values, as JSON: ``None``, bools, ints, floats (NaN and infinities as JSON's ``NaN``/``Infinity``),
strings are themselves; everything else is a one-key object:

* ``{"list": [...]}``, ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``;
* ``{"nd": [dtype, shape, data]}``: a NumPy array of a plain numeric or bool dtype (its raw bytes,
  so every bit of every float arrives: in the frame's binary section, or as base64 text);
* ``{"np": [dtype, value]}``: a NumPy scalar;
* ``{"tensor": [dtype, shape, data]}``: a dense CPU ``torch.Tensor``;
* ``{"gen": state}``: a ``numpy.random.Generator`` (its bit generator's state; the receiver's
  draws advance the sender's generator through the write-back of arguments);
* ``{"fn": id}``: a callable of the sender, called back through the wire;
* ``{"obj": [id, type name, callable]}``: any other object of the kernel (a trained model, a
  closure): the judge holds a handle; calling it or reading its attributes goes through the wire;
* ``{"ref": id}``: such a handle sent back to the side that owns the object;
* ``{"student_fn": name}``: a function of the student's namespace, passed by name.

Subclasses of builtins and of ``numpy.ndarray`` are sent as their plain values (an ``__eq__`` or
``__float__`` of the student's class never reaches the judge); tensor subclasses other than
``nn.Parameter``, object arrays and anything unknown to the judge arrive as handles, which the
checks refuse with the type's name.
"""

from __future__ import annotations

import base64
import json
import socket
import struct

MAX_FRAME = 256 * 1024**2  # bytes of one message; larger ones are refused (a result that large is a bug)
# What the judge accepts from a kernel (issue 18): the size is checked from the length prefix, before a
# byte of the frame is read, and the number of JSON values is counted before it is parsed, so a frame
# costs the grader at most a few times its size in memory (arrays travel as one base64 string each).
MAX_KERNEL_FRAME = 16 * 1024**2
MAX_ITEMS = 200_000  # JSON values (array elements, object members) in one frame from a kernel
MAX_DEPTH = 64  # nesting of containers
DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}  # fmt: skip
TORCH_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "bfloat16", "float32", "float64"}


class WireError(Exception):
    """A frame that is not what the protocol allows (too large, not JSON, unknown tag...)."""


# -- frames --------------------------------------------------------------------------------------
def send(sock: socket.socket, message: dict) -> None:
    """Send ``message``; the ``bytes`` in it (arrays' raw data) travel after the JSON, not inside it."""
    buffers: list[bytes] = []
    offset = 0

    def binary(obj):
        nonlocal offset
        if not isinstance(obj, bytes):
            raise TypeError(f"{type(obj).__name__} is not a wire value")
        buffers.append(obj)
        offset += len(obj)
        return {"buf": [offset - len(obj), len(obj)]}

    data = json.dumps(message, separators=(",", ":"), default=binary).encode()
    if buffers:
        data = b"".join([data, b"\0", *buffers])
    if len(data) > MAX_FRAME:
        raise WireError(f"message of {len(data)} bytes is over the {MAX_FRAME}-byte limit")
    sock.sendall(struct.pack(">I", len(data)) + data)


def recv(sock: socket.socket, limit: int = MAX_FRAME, max_items: int | None = None) -> dict:
    """The next message; ``EOFError`` when the other side has gone.

    limit: bytes of the frame (checked before it is read); max_items: JSON values it may hold
    (counted on the raw bytes before parsing; an upper bound: separators inside strings count too).

    A frame is JSON text, then optionally a NUL byte and a binary section (which JSON text cannot
    contain unescaped): ``{"buf": [offset, length]}`` in the text stands for those bytes of it. Binary
    data never reaches the JSON parser, nor the count of values.
    """
    size = struct.unpack(">I", _read(sock, 4))[0]
    if size > limit:
        raise WireError(f"message of {size} bytes is over the {limit}-byte limit")
    raw = _read(sock, size)
    cut = raw.find(b"\0")
    text, section = (raw, None) if cut < 0 else (raw[:cut], memoryview(raw)[cut + 1 :])
    # every value costs at least one of the counted bytes, so a short text cannot hold too many
    if max_items is not None and len(text) > max_items:
        if text.count(b",") + text.count(b"[") + text.count(b"{") > max_items:
            raise WireError(f"message of more than {max_items} values")

    def binary(obj: dict):
        if section is None or len(obj) != 1 or "buf" not in obj:
            return obj
        span = obj["buf"]
        if not (isinstance(span, list) and len(span) == 2 and all(type(n) is int and n >= 0 for n in span)):
            raise WireError("malformed binary reference")
        start, length = span
        if start + length > len(section):
            raise WireError("binary reference past the end of the frame")
        return section[start : start + length].tobytes()

    try:
        message = json.loads(text, object_hook=binary)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"not a JSON message ({exc})") from None
    if not isinstance(message, dict):
        raise WireError("a message must be a JSON object")
    return message


def _read(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# -- values --------------------------------------------------------------------------------------
class Codec:
    """Encodes this side's values and decodes the other side's.

    ``local(obj) -> tag`` decides how an object this side cannot send as data travels (a callable:
    ``{"fn": id}``; an object: ``{"obj": ...}``); ``remote(tag) -> obj`` makes this side's stand-in
    for the other side's ``fn``/``obj``/``student_fn``/``ref`` tags. Both are given by the side.
    """

    def __init__(self, local, remote):
        self.local, self.remote = local, remote

    def encode(self, obj, depth: int = 0):
        import numpy as np

        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        t = type(obj)
        if obj is None or t in (bool, int, str):
            return obj
        if t is float:
            return obj
        if isinstance(obj, np.generic):
            return self._np_scalar(obj)
        if isinstance(obj, np.ndarray):
            arr = np.ndarray.view(obj, np.ndarray)  # a subclass's raw memory, none of its methods
            if arr.dtype.name not in DTYPES:
                return self.local(obj)
            return {"nd": [arr.dtype.name, list(arr.shape), np.ascontiguousarray(arr).tobytes()]}
        torch = _torch()
        if torch is not None and isinstance(obj, torch.Tensor):
            if t not in (torch.Tensor, torch.nn.Parameter) or obj.layout != torch.strided or obj.device.type != "cpu":
                return self.local(obj)
            name = str(obj.dtype).replace("torch.", "")
            if name not in TORCH_DTYPES or name == "bfloat16":
                return self.local(obj)
            arr = obj.detach().contiguous().numpy()
            return {"tensor": [name, list(arr.shape), arr.tobytes()]}
        if isinstance(obj, np.random.Generator) and t is np.random.Generator:
            return {"gen": _plain_state(obj.bit_generator.state)}
        # subclasses of builtins travel as their plain values (their own methods stay behind)
        if isinstance(obj, bool):
            return bool(obj)
        if isinstance(obj, int):
            return int.__index__(obj)
        if isinstance(obj, float):
            return float.__float__(obj) if not isinstance(obj, np.generic) else float(obj)
        if isinstance(obj, str):
            return str.__str__(obj)
        if isinstance(obj, tuple):
            return {"tuple": [self.encode(v, depth + 1) for v in tuple.__iter__(obj)]}
        if isinstance(obj, list):
            return {"list": [self.encode(v, depth + 1) for v in list.__iter__(obj)]}
        if isinstance(obj, dict):
            return {"dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in dict.items(obj)]}
        return self.local(obj)

    @staticmethod
    def _np_scalar(obj):

        name = obj.dtype.name
        if name not in DTYPES:
            raise WireError(f"NumPy scalar of dtype {name}")
        value = obj.item()
        if isinstance(value, complex):
            value = [value.real, value.imag]
        return {"np": [name, value]}

    def decode(self, value, depth: int = 0):
        import numpy as np

        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            raise WireError("a bare JSON list is not a value (lists are tagged)")
        if not isinstance(value, dict) or len(value) != 1:
            raise WireError("a tagged value is an object with one key")
        ((tag, body),) = value.items()
        if tag == "list":
            return [self.decode(v, depth + 1) for v in as_list(body)]
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in as_list(body))
        if tag == "dict":
            out = {}
            for pair in as_list(body):
                k, v = as_list(pair, 2)
                key = self.decode(k, depth + 1)
                if not isinstance(key, (str, int, float, bool, tuple, type(None))) and not isinstance(key, np.generic):
                    raise WireError("dict keys must be numbers, strings or tuples")
                out[key] = self.decode(v, depth + 1)
            return out
        if tag == "nd":
            dtype, shape, data = as_list(body, 3)
            return _array(dtype, shape, data, DTYPES)
        if tag == "np":
            dtype, v = as_list(body, 2)
            if dtype not in DTYPES:
                raise WireError(f"NumPy dtype {dtype!r} is not allowed")
            if isinstance(v, list):
                v = complex(*v)
            if not isinstance(v, (bool, int, float, complex)):
                raise WireError("a NumPy scalar holds a number")
            return np.dtype(dtype).type(v)
        if tag == "tensor":
            import torch

            dtype, shape, data = as_list(body, 3)
            arr = _array(dtype, shape, data, TORCH_DTYPES)
            return torch.from_numpy(arr)
        if tag == "gen":
            return _generator(body)
        if tag in ("fn", "obj", "ref", "student_fn"):
            return self.remote(tag, body)
        raise WireError(f"unknown tag {tag!r}")


def as_list(body, n: int | None = None) -> list:
    if not isinstance(body, list) or (n is not None and len(body) != n):
        raise WireError("malformed value")
    return body


def _array(dtype, shape, data, allowed):
    import numpy as np

    if dtype not in allowed or not isinstance(data, (bytes, str)) or not isinstance(shape, list):
        raise WireError(f"array of dtype {dtype!r} is not allowed")
    if not all(isinstance(s, int) and not isinstance(s, bool) and 0 <= s for s in shape) or len(shape) > 32:
        raise WireError("malformed array shape")
    try:
        raw = data if isinstance(data, bytes) else base64.b64decode(data.encode(), validate=True)
    except ValueError:
        raise WireError("array data is not base64") from None
    dt = np.dtype(dtype)
    count = 1
    for s in shape:
        count *= s
    if count * dt.itemsize != len(raw):
        raise WireError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def _plain_state(state):
    """A bit generator's state as JSON (its numbers may be NumPy ints or arrays)."""
    import numpy as np

    if isinstance(state, dict):
        return {str(k): _plain_state(v) for k, v in state.items()}
    if isinstance(state, np.ndarray):
        return {"__array__": state.tolist(), "dtype": state.dtype.name}
    if isinstance(state, np.generic):
        return state.item()
    return state


def _state_from_plain(state):
    import numpy as np

    if isinstance(state, dict):
        if set(state) == {"__array__", "dtype"} and state["dtype"] in DTYPES:
            return np.array(state["__array__"], dtype=state["dtype"])
        return {k: _state_from_plain(v) for k, v in state.items()}
    return state


BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def _generator(state):
    import numpy as np

    if not isinstance(state, dict) or state.get("bit_generator") not in BIT_GENERATORS:
        raise WireError("not a NumPy generator state")
    bitgen = getattr(np.random, state["bit_generator"])()
    try:
        bitgen.state = _state_from_plain(state)
    except (TypeError, ValueError, KeyError) as exc:
        raise WireError(f"not a NumPy generator state ({exc})") from None
    return np.random.Generator(bitgen)


def set_generator_state(gen, state) -> None:
    """Advance the judge's generator ``gen`` to ``state`` (the kernel drew from its copy)."""
    gen.bit_generator.state = _generator(state).bit_generator.state


def _torch():
    import sys

    return sys.modules.get("torch")
