#!/usr/bin/env python3
"""PyTorch CPU baseline for the rectifier benchmarks (issue #5, deliverable 3).

Times the functions of the `rectifiers` bench CLI in PyTorch eager mode on the CPU, with a
given thread count, and writes the same CSV columns as the CLI so the two can be read side by
side. Not run in CI.

Venv (from the repo root; `/.venv` is git-ignored):

    python3 -m venv .venv && .venv/bin/pip install torch==2.15.0

  This gives torch 2.15.0+cu132 (the default PyPI wheel: MKL 2024.2, oneDNN 3.13.3, OpenMP),
  and pulls the nvidia CUDA 13 runtime wheels, cudnn, nccl, triton etc.: the venv is 5.4 GB.
  None of that is used on the CPU, but it cannot be left out:
  `pip install --no-deps torch` plus the pure-python deps (filelock, typing-extensions, sympy,
  networkx, jinja2, fsspec, numpy) installs, yet `import torch` then fails with
  "OSError: libcudart.so.13: cannot open shared object file" (libtorch_cpu.so itself links
  libcudart and libcupti; libtorch.so / libtorch_python.so link cublas, cudnn, nccl, ...).
  The CPU-only index (download.pytorch.org/whl/cpu) was not reachable where this was written.
  numpy is optional (torch only warns without it).

Run (from the repo root):

    .venv/bin/python benches/pytorch_baseline.py            # f32, 2 threads
    .venv/bin/python benches/pytorch_baseline.py --dtypes f32,bf16,f16 \\
        --threads 2 --sizes 4096,262144,16777216 --out benches/results/pytorch.csv

  Other flags: --functions relu,gelu,... --variants builtin,composed,... --passes fwd,fwdbwd
  --reps N (same for every size; default 2000 / 300 / 30 for 4Ki / 256Ki / 16Mi)
  --warmup N --row C --retries N --max-wait S. The markdown table is printed and written
  next to the CSV (.md).

Side by side with the bench CLI (`rectifiers-bench --pytorch .venv/bin/python`): the CLI
starts this script once with `--serve --threads N` (N: the CLI's thread count) and times
PyTorch's variants of each case in the same rounds as its own. The protocol, one line each way:
  * the script first answers `ready torch=<version> threads=<n> capability=<cpu capability>`,
    or `error <why>` (torch not importable) and exits;
  * `{"op": "input", "n": N}` followed by exactly 4 N bytes, the CLI's input as little-endian
    f32 (`benches/src/inputs.rs`; the gated functions' `up` is it reversed): answer `ok`;
  * `{"op": "case", "function": "silu", "gate": null, "param": 0.0, "pass": "fwd",
    "dtype": "f32", "size": N, "variants": ["builtin", "composed", "relu", ...]}` prepares
    the variants of the table below that exist for the function and pass (`relu`: F.relu on
    the same input, the "framework ReLU" of PyTorch's rows; a gated function names its gate,
    `"function": "swiglu", "gate": "silu"`, and is the gate's op times `up`), runs each once
    untimed, and answers `variants <name> ...` in the order a round times them;
  * `{"op": "round"}` times each prepared variant once: `ns <t1> <t2> ...`;
  * `{"op": "quit"}` or the end of stdin ends it. A failed request answers `error <why>`.
  The params are the CLI's (`squareplus(b=0.5)` times b = 0.5), not the defaults below.

What it measures, per (function, variant, pass, dtype, size):
  * Input: x = torch.linspace(-8, 8, n) (f32, then cast to the dtype) permuted by
    torch.randperm(n, generator=torch.Generator().manual_seed(0)). For f32 and bf16 at every
    size used here (even n) no element is exactly 0; in f16 at 16Mi two values near 0 (~2e-8)
    underflow to 0, so naive softplus_approx gives 2 NaN there (a count of zeros is printed).
  * fwd: wall time of one call (time.perf_counter_ns around it), Python dispatch included.
    `builtin` / `composed` allocate a fresh output every call (as our fused ops do);
    `builtin_reused` writes into a preallocated output via the aten `.out` overload;
    `builtin_inplace` overwrites x (x is restored from a pristine copy before each rep,
    outside the timed region, so repeated leaky/silu/... never drift into subnormals; that
    copy leaves part of x in cache, which flatters the in-place rows somewhat).
  * fwdbwd: x.requires_grad_(); each rep: x.grad = None; y = f(x); y.backward(dy), timed
    together, with dy = ones preallocated. For prelu the weight also requires grad (as in
    nn.PReLU), so backward computes dw = sum(x * dy over x <= 0) too. In-place variants
    have no fwdbwd row (autograd forbids in-place on a leaf; a clone would make it another
    op). `builtin_reused` has no fwdbwd row (out= is not differentiable).
  * copy rows: function `copy`, variant `fresh` = x.clone(), `reused` = y.copy_(x): the memory
    floor, with and without the page faults of a fresh output.
  * median_ns, min_ns over --reps after --warmup untimed reps; gc disabled while timing.
    On this shared 2-core machine an OpenMP worker that gets descheduled mid-region costs a
    whole scheduler slice (~4-12 ms), which can swamp a 20 µs op: a row whose median is over
    2x its min is measured again (--retries, default 4 more runs) and the run with the lowest
    median is kept; rows still over 2x are marked ‡ in the markdown (CSV columns unchanged).
    A worse case is a compile holding one core for a whole row: then *every* parallel call
    waits a slice and median and min are both ~4-8 ms for a 15 µs op. So a canary (a 256Ki
    y.copy_(x), parallel at --threads) is timed before each row, waiting in 0.5 s steps while
    it runs over 3x its best (at most --max-wait seconds in all, default 300), and again after
    it; a run the canary calls busy is retried and loses to any quiet run, and a row kept
    from a busy run is marked § in the markdown.
  * bytes: fwd 2*n*itemsize (read x, write y); fwdbwd 5*n*itemsize (read x, write y, read x,
    read dy, write dx). lse0_plus (a row reduction, as the CLI counts it): fwd
    n*s + n*s/ROW, fwdbwd 3*n*s + 2*n*s/ROW. gbps = bytes / median_ns (= GB/s, 1e9 bytes).
  * param: the number the CLI writes (benches/src/csv.rs parses it as f64): the slope, k,
    alpha, a, b; 1 for lse0_plus (the dim); 0 for copy; empty where there is none.
  * peak_rss_mib (fwdbwd rows only, else empty): VmHWM - VmRSS in MiB over the timed reps,
    after resetting the high-water mark by writing "5" to /proc/self/clear_refs.

Functions (our name -> the exact PyTorch expression timed; F = torch.nn.functional):
  relu         builtin          F.relu(x)
               builtin_inplace  F.relu(x, inplace=True)
               builtin_reused   torch.clamp_min(x, 0.0, out=y)  [not aten.relu.out: in torch
                                2.15 that is relu() into a fresh tensor, then copy_ into y]
  leaky_relu   (0.01) builtin   F.leaky_relu(x, 0.01); inplace: F.leaky_relu(x, 0.01, inplace=True);
                                reused: torch.ops.aten.leaky_relu.out(x, 0.01, out=y)
  prelu        (0.25) builtin   F.prelu(x.view(-1, C), w), w = torch.full([C], 0.25), C = --row = 64
                                (the CLI's ROW: 64 channels on dim 1; --row 1: one alpha, w shape [1])
  gelu         builtin          F.gelu(x); reused: torch.ops.aten.gelu.out(x, out=y)
  gelu_tanh    builtin          F.gelu(x, approximate='tanh'); reused: aten.gelu.out(..., approximate='tanh')
  silu         builtin          F.silu(x); inplace: F.silu(x, inplace=True); reused: aten.silu.out
  softplus     (k=1) builtin    F.softplus(x, beta=1)  [torch's default threshold=20: returns x
                                where beta*x > 20; no in-place form]; reused: aten.softplus.out(x, 1, 20)
  elu          (1) builtin      F.elu(x, 1.0); inplace: F.elu(x, 1.0, inplace=True); reused: aten.elu.out
  mish         builtin          F.mish(x); inplace: F.mish(x, inplace=True); reused: aten.mish.out
  srelu        (a=1) composed   torch.clamp_min(x, -1.0)   [one fused aten op, so near a built-in]
  squareplus   (b=4) composed   0.5 * (x + torch.sqrt(x * x + 4.0))   [naive: 4 temporaries]
  softplus_approx composed      x / (1 - torch.exp(-x / math.log(2)))  [naive: NaN at x == 0
                                (0/0), which these inputs never hit; our kernel returns ln 2]
  lse0_plus    (dim 1) composed F.softplus(torch.logsumexp(x.view(-1, ROW), dim=1))
                                [ln(1 + sum e^x_i) = softplus(logsumexp(x)); rows of ROW = --row = 64
                                elements, as the CLI's lse0_plus(x, 1) on [n / 64, 64]]
  swiglu       builtin          F.silu(x) * up   [gated: x is the gate, up a second input of
                                the same size (seed 1), both learned: fwdbwd backprops to both]
  geglu        builtin          F.gelu(x) * up
  squareplus_glu (b=4) composed 0.5 * (x + torch.sqrt(x * x + 4.0)) * up
                                (gated bytes: fwd 3*n*s, fwdbwd 8*n*s, as the CLI counts them)
  copy         fresh            x.clone()
               reused           y.copy_(x)

Results committed in benches/results/ (each .csv with its .md):
  pytorch.csv       f32, --threads 2 (the CLI's thread count), the default run
  pytorch_t1.csv    f32, --threads 1 (made before the canary existed; one thread has no
                    OpenMP barrier to be preempted at, so it is the steadier view here)
  pytorch_half.csv  bf16 and f16, --threads 2 --retries 1 --max-wait 60

Caveats: this machine has 2 cores shared with other jobs (compiles); absolute times are noisy,
compare within one run. PyTorch's elementwise kernels go parallel only above its grain size
(32768 elements), so 4Ki runs on one thread whatever --threads says.
"""

import argparse
import array
import csv
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings

VENV = "python3 -m venv .venv && .venv/bin/pip install torch==2.15.0"

try:
    # torch 2.15 warns on import when numpy is missing; numpy is not needed here
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    import torch
    import torch.nn.functional as F
except ImportError as e:
    why = f"cannot import torch with {sys.executable} ({e}); make the venv from the repo root: {VENV}"
    if "--serve" in sys.argv:
        # the CLI prints it
        print(f"error {why}", flush=True)
        sys.exit(1)
    sys.exit(why)

COLUMNS = [
    "source", "backend", "function", "param", "variant", "pass", "dtype", "size",
    "threads", "median_ns", "min_ns", "bytes", "gbps", "peak_rss_mib",
]

DTYPES = {"f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16, "f64": torch.float64}
LN2 = math.log(2.0)
# A row whose median exceeds NOISY x its min was hit by preemption (on this shared 2-core
# machine an OpenMP worker descheduled mid-region costs a whole scheduler slice, ~4-12 ms).
NOISY = 2.0
aten = torch.ops.aten
# The gated rows of the standalone run and their gates (the CLI's `--function gated`).
GATED = {"swiglu": "silu", "geglu": "gelu", "squareplus_glu": "squareplus"}
# The CLI's ROW: PReLU's channels and LSE0+'s row length.
ROW = 64


# --------------------------------------------------------------------------------------------
# The cases. Each entry: (function, param, variant, kind, fn)
#   kind "fresh":   fn(x, ctx) -> new tensor (differentiable)
#   kind "inplace": fn(x, ctx) overwrites x
#   kind "reused":  fn(x, ctx) writes into ctx["y"]
# param is the default as the CSV writes it ("" where there is none); fn reads the parameter
# from ctx["p"] (the default here, the CLI's in --serve). ctx also holds preallocated things:
# "y" (same shape/dtype as x), "w" (prelu weight), "row", "up" (gated: the second input).
# --------------------------------------------------------------------------------------------
def gated_cases(table, name, gate):
    """`gate`'s fresh variants (its own op, else its composition) times ctx["up"], as `name`."""
    def times_up(fn):
        return lambda x, k: fn(x, k) * k["up"]
    return [(name, param, variant, "fresh", times_up(fn))
            for (f, param, variant, kind, fn) in table if f == gate and kind == "fresh"]


def cases():
    c = []
    add = lambda *a: c.append(a)
    # relu
    add("relu", "", "builtin", "fresh", lambda x, k: F.relu(x))
    add("relu", "", "builtin_inplace", "inplace", lambda x, k: F.relu(x, inplace=True))
    # torch.clamp_min(x, 0, out=y), not aten.relu.out: in torch 2.15 relu.out is the
    # generated out= wrapper (the profiler shows aten::relu -> clamp_min into a fresh tensor,
    # then aten::copy_), so it pays the fresh output and a copy; F.relu is clamp_min inside
    add("relu", "", "builtin_reused", "reused", lambda x, k: torch.clamp_min(x, 0.0, out=k["y"]))
    # leaky_relu, slope 0.01
    add("leaky_relu", "0.01", "builtin", "fresh", lambda x, k: F.leaky_relu(x, k["p"]))
    add("leaky_relu", "0.01", "builtin_inplace", "inplace",
        lambda x, k: F.leaky_relu(x, k["p"], inplace=True))
    add("leaky_relu", "0.01", "builtin_reused", "reused",
        lambda x, k: aten.leaky_relu.out(x, k["p"], out=k["y"]))
    # prelu, one alpha 0.25
    # PReLU on x viewed as [n / C, C], channel dim 1, weight shape [C] all 0.25 (C = --row,
    # 64 as the CLI's ROW; --row 1 gives one shared alpha, weight shape [1])
    add("prelu", "0.25", "builtin", "fresh", lambda x, k: F.prelu(x.view(-1, k["row"]), k["w"]))
    # gelu (erf) and gelu_tanh
    add("gelu", "", "builtin", "fresh", lambda x, k: F.gelu(x))
    add("gelu", "", "builtin_reused", "reused", lambda x, k: aten.gelu.out(x, out=k["y"]))
    add("gelu_tanh", "", "builtin", "fresh", lambda x, k: F.gelu(x, approximate="tanh"))
    add("gelu_tanh", "", "builtin_reused", "reused",
        lambda x, k: aten.gelu.out(x, approximate="tanh", out=k["y"]))
    # silu
    add("silu", "", "builtin", "fresh", lambda x, k: F.silu(x))
    add("silu", "", "builtin_inplace", "inplace", lambda x, k: F.silu(x, inplace=True))
    add("silu", "", "builtin_reused", "reused", lambda x, k: aten.silu.out(x, out=k["y"]))
    # softplus, k = 1 (torch: beta=1, threshold=20)
    add("softplus", "1", "builtin", "fresh", lambda x, k: F.softplus(x, beta=k["p"]))
    add("softplus", "1", "builtin_reused", "reused",
        lambda x, k: aten.softplus.out(x, k["p"], 20, out=k["y"]))
    # elu, alpha 1
    add("elu", "1", "builtin", "fresh", lambda x, k: F.elu(x, k["p"]))
    add("elu", "1", "builtin_inplace", "inplace", lambda x, k: F.elu(x, k["p"], inplace=True))
    add("elu", "1", "builtin_reused", "reused",
        lambda x, k: aten.elu.out(x, k["p"], 1, 1, out=k["y"]))
    # mish
    add("mish", "", "builtin", "fresh", lambda x, k: F.mish(x))
    add("mish", "", "builtin_inplace", "inplace", lambda x, k: F.mish(x, inplace=True))
    add("mish", "", "builtin_reused", "reused", lambda x, k: aten.mish.out(x, out=k["y"]))
    # composed ones (no PyTorch built-in)
    add("srelu", "1", "composed", "fresh", lambda x, k: torch.clamp_min(x, -k["p"]))
    add("squareplus", "4", "composed", "fresh",
        lambda x, k: 0.5 * (x + torch.sqrt(x * x + k["p"])))
    add("softplus_approx", "", "composed", "fresh",
        lambda x, k: x / (1 - torch.exp(-x / LN2)))
    # LSE0+ over dim 1 of x viewed as [n / ROW, ROW] (the CLI's layout; param = the dim)
    add("lse0_plus", "1", "composed", "fresh",
        lambda x, k: F.softplus(torch.logsumexp(x.view(-1, k["row"]), dim=1)))
    # gated, f(gate) * up (gate = x, up = a second input, both learned): what a SwiGLU / GeGLU
    # MLP runs between its projections (the CLI's swiglu / geglu / squareplus_glu)
    for name, gate in GATED.items():
        c.extend(gated_cases(c, name, gate))
    # copy floor
    add("copy", "0", "fresh", "fresh", lambda x, k: x.clone())
    add("copy", "0", "reused", "reused", lambda x, k: k["y"].copy_(x))
    return c


# --------------------------------------------------------------------------------------------
def read_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


CANARY_N = 1 << 18
CANARY_BUSY = 3.0


class Canary:
    """A 256Ki-element y.copy_(x) (parallel at --threads: PyTorch's grain is 32768 elements)
    timed 15 times; its median against the best median seen says whether other processes
    are taking the cores. With 2 OpenMP threads on 2 shared cores a busy machine costs each
    parallel region a scheduler slice (4-8 ms) instead of ~15 µs, so the signal is loud."""

    def __init__(self, budget_s):
        self.x = torch.randn(CANARY_N)
        self.y = torch.empty(CANARY_N)
        self.best = None
        self.budget = budget_s
        self.waited = 0.0
        for _ in range(5):
            self.measure()

    def measure(self):
        ts = []
        for _ in range(15):
            t0 = time.perf_counter_ns()
            self.y.copy_(self.x)
            ts.append(time.perf_counter_ns() - t0)
        m = statistics.median(ts)
        self.best = m if self.best is None else min(self.best, m)
        return m

    def quiet(self):
        return self.measure() <= CANARY_BUSY * self.best

    def wait_quiet(self):
        """Sleeps in 0.5 s steps until quiet, while the wait budget lasts."""
        while not self.quiet() and self.waited < self.budget:
            time.sleep(0.5)
            self.waited += 0.5


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def make_input(n, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.linspace(-8.0, 8.0, n, dtype=torch.float32)
    x = x[torch.randperm(n, generator=g)].contiguous()
    return x.to(dtype)


def default_reps(n):
    if n <= 8192:
        return 2000
    if n <= 1 << 20:
        return 300
    return 30


def default_warmup(n):
    return 50 if n <= 1 << 20 else 3


def prepare(name, kind, fn, x0, pas, p, row, w0, up0):
    """The timed call of one case: `one()` runs it once and returns the ns of its timed part
    (with its untimed set-up: the in-place variants restore x first, fwdbwd clears the
    gradients). Also returns the context (for the gradients' reset) and x."""
    ctx = {"row": row, "p": p}
    ctx["w"] = w0.clone()
    ctx["up"] = up0.clone() if up0 is not None else None
    if kind == "reused":
        ctx["y"] = torch.empty_like(x0)
    if pas == "fwd":
        x = x0.clone()
        if kind == "inplace":
            def one():
                x.copy_(x0)  # restore, untimed
                t0 = time.perf_counter_ns()
                fn(x, ctx)
                return time.perf_counter_ns() - t0
        else:
            def one():
                t0 = time.perf_counter_ns()
                y = fn(x, ctx)
                t = time.perf_counter_ns() - t0
                del y
                return t
        return one, ctx, x
    # fwdbwd
    x = x0.clone().requires_grad_(True)
    if name == "prelu":
        ctx["w"].requires_grad_(True)
    if ctx["up"] is not None:
        ctx["up"].requires_grad_(True)
    with torch.no_grad():
        y_shape = fn(x0, ctx).shape
    dy = torch.ones(y_shape, dtype=x0.dtype)

    def one():
        x.grad = None
        ctx["w"].grad = None
        if ctx["up"] is not None:
            ctx["up"].grad = None
        t0 = time.perf_counter_ns()
        y = fn(x, ctx)
        y.backward(dy)
        t = time.perf_counter_ns() - t0
        del y
        return t
    return one, ctx, x


def time_case(name, variant, kind, fn, x0, pas, reps, warmup, p, row, w0, up0):
    """Returns (times_ns list, peak_rss_mib or None)."""
    one, ctx, x = prepare(name, kind, fn, x0, pas, p, row, w0, up0)
    times = []
    peak = None
    if pas == "fwd":
        for _ in range(warmup):
            one()
        gc.disable()
        try:
            for _ in range(reps):
                times.append(one())
        finally:
            gc.enable()
    else:  # fwdbwd
        for _ in range(warmup):
            one()
        x.grad = None
        ctx["w"].grad = None
        if ctx["up"] is not None:
            ctx["up"].grad = None
        gc.collect()
        base_kib = read_status_kib("VmRSS")
        have_hwm = reset_hwm()
        gc.disable()
        try:
            for _ in range(reps):
                times.append(one())
        finally:
            gc.enable()
        if have_hwm and base_kib is not None:
            hwm = read_status_kib("VmHWM")
            if hwm is not None:
                peak = max(0, hwm - base_kib) / 1024.0
        x.grad = None
    return times, peak


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def size_label(n):
    if n % (1 << 20) == 0:
        return f"{n >> 20}Mi"
    if n % (1 << 10) == 0:
        return f"{n >> 10}Ki"
    return str(n)


def portable(path):
    """`path` relative to the current directory when it lies below it (`.venv/bin/python`),
    else its file name: the records name no directory of one machine."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.basename(path)


def reply(line):
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def read_exactly(stream, n):
    data = stream.read(n)
    if data is None or len(data) != n:
        raise EOFError(f"expected {n} bytes of input, got {0 if data is None else len(data)}")
    return data


def serve_case(req, x_in, table):
    """The prepared variants of one case the CLI sent: [(variant, one)], in request order
    among those that exist for the function and pass; each has run once (a variant whose first
    call fails is left out)."""
    name, gate, pas = req["function"], req.get("gate"), req["pass"]
    p, n, dname = float(req["param"]), int(req["size"]), req["dtype"]
    if x_in is None or x_in.numel() != n:
        raise ValueError(f"no input of {n} elements was sent")
    if dname not in DTYPES:
        raise ValueError(f"unknown dtype {dname}")
    dt = DTYPES[dname]
    x0 = x_in.to(dt)
    up0 = x_in.flip(0).to(dt) if gate else None
    entries = gated_cases(table, name, gate) if gate else [c for c in table if c[0] == name]
    if not entries:
        raise ValueError(f"no PyTorch form of {name}")
    w0 = torch.full([ROW], p if name == "prelu" else 0.25, dtype=dt)
    prepared = []
    for variant in req["variants"]:
        if variant == "relu":
            # PyTorch's ReLU on the same input: the baseline of its rows (ReLU's own is builtin)
            if name == "relu" or gate:
                continue
            found = [("relu", "", "relu", "fresh", lambda x, k: F.relu(x))]
        else:
            found = [c for c in entries if c[2] == variant]
        for (_, _, _, kind, fn) in found:
            if pas == "fwdbwd" and kind != "fresh":
                continue
            one, _, _ = prepare(name, kind, fn, x0, pas, p, ROW, w0, up0)
            try:
                one()
            except (RuntimeError, TypeError, NotImplementedError) as e:
                print(f"pytorch: {name} {variant} {pas} {dname}: {e}", file=sys.stderr)
                continue
            prepared.append((variant, one))
    return prepared


def serve():
    """Answers the bench CLI's requests on stdin (see the docstring) until `quit` or EOF."""
    reply(f"ready torch={torch.__version__} threads={torch.get_num_threads()} "
          f"capability={torch.backends.cpu.get_cpu_capability()}")
    table = cases()
    stdin = sys.stdin.buffer
    x_in, prepared = None, []
    # The CLI's rounds allocate and free tensors; no collection pauses inside them.
    gc.disable()
    while True:
        line = stdin.readline()
        if not line:
            return
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "input":
                n = int(req["n"])
                data = read_exactly(stdin, 4 * n)
                buf = bytearray(data)
                if sys.byteorder != "little":
                    a = array.array("f")
                    a.frombytes(buf)
                    a.byteswap()
                    buf = bytearray(a.tobytes())
                x_in = torch.frombuffer(buf, dtype=torch.float32)
                reply("ok")
            elif op == "case":
                prepared = []
                gc.collect()
                prepared = serve_case(req, x_in, table)
                reply("variants " + " ".join(v for v, _ in prepared))
            elif op == "round":
                reply("ns " + " ".join(str(one()) for _, one in prepared))
            elif op == "quit":
                return
            else:
                reply(f"error unknown op {op!r}")
        except EOFError as e:
            reply(f"error {e}")
            return
        except Exception as e:  # reported to the CLI, which skips the case
            reply(f"error {type(e).__name__}: {e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="4096,262144,16777216")
    ap.add_argument("--dtypes", default="f32", help="comma list of f32,bf16,f16,f64")
    ap.add_argument("--passes", default="fwd,fwdbwd")
    ap.add_argument("--functions", default="", help="comma list; default all")
    ap.add_argument("--variants", default="", help="comma list; default all")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--row", type=int, default=64,
                    help="PReLU channels and LSE0+ row length (the CLI's ROW, 64)")
    ap.add_argument("--max-wait", type=float, default=300.0,
                    help="seconds in all to wait, before rows, for the canary to say quiet")
    ap.add_argument("--retries", type=int, default=4,
                    help="re-measure a row whose median > %g x its min up to this many more "
                         "times, keeping the run with the lowest median" % NOISY)
    ap.add_argument("--out", default=None,
                    help="the CSV (default: results/pytorch.csv beside this script)")
    ap.add_argument("--md", default=None, help="markdown path (default: --out with .md)")
    ap.add_argument("--serve", action="store_true",
                    help="time cases the bench CLI sends on stdin (see the docstring); "
                         "only --threads applies")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.serve:
        serve()
        return
    if args.out is None:
        here = os.path.dirname(os.path.abspath(__file__))
        args.out = os.path.join(here, "results", "pytorch.csv")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    dtypes = [d for d in args.dtypes.split(",") if d]
    passes = [p for p in args.passes.split(",") if p]
    fsel = set(f for f in args.functions.split(",") if f)
    vsel = set(v for v in args.variants.split(",") if v)
    for d in dtypes:
        if d not in DTYPES:
            sys.exit(f"unknown dtype {d}; use {','.join(DTYPES)}")

    todo = [c for c in cases()
            if (not fsel or c[0] in fsel) and (not vsel or c[2] in vsel)]

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    header = [
        f"# PyTorch CPU baseline",
        "",
        f"- torch {torch.__version__}, Python {platform.python_version()}, "
        f"CPU capability {torch.backends.cpu.get_cpu_capability()}, "
        f"{os.cpu_count()} logical cores, torch threads {torch.get_num_threads()} "
        f"(`--threads {args.threads}`), started {started}",
        f"- command: `{portable(sys.executable)} benches/pytorch_baseline.py "
        + " ".join(sys.argv[1:]) + "`",
        "- eager mode, one call per rep, time.perf_counter_ns around it (Python dispatch "
        "included); fwdbwd = y = f(x); y.backward(ones) timed together",
        "- `builtin`/`composed`/`copy fresh` allocate a fresh output each call (at 16Mi f32 "
        "that is 64 MiB of new pages: page faults included); `builtin_reused`/`copy reused` "
        "write into a preallocated output; `builtin_inplace` overwrites x, which is restored "
        "by an untimed copy before each rep (so x may be partly in cache when the clock starts)",
        "- GB/s = bytes / median: fwd 2·n·size, fwdbwd 5·n·size (lse0_plus: n·s + n·s/ROW, "
        f"3·n·s + 2·n·s/ROW); prelu: {args.row} channels of slope 0.25 on dim 1, weight "
        f"learned; lse0_plus over rows of {args.row}; "
        "peak RSS = VmHWM − VmRSS over the fwdbwd reps",
        "- this machine's 2 cores were shared with other jobs (compiles) during the run: "
        "absolute times are noisy, compare within one run; load average at start: "
        + loadavg(),
        "",
    ]
    print("\n".join(header), flush=True)

    rows = []
    flags = []  # markdown only: noisy marker and how many runs a row took
    n_noisy = 0
    n_busy = 0
    canary = Canary(args.max_wait)
    w0 = torch.full([args.row], 0.25)
    for dname in dtypes:
        dt = DTYPES[dname]
        isz = torch.empty((), dtype=dt).element_size()
        w0d = w0.to(dt)
        for n in sizes:
            x0 = make_input(n, dt)
            up0 = make_input(n, dt, seed=1) if fsel & set(GATED) or not fsel else None
            nz = int((x0 == 0).sum())
            if nz:
                print(f"note: {nz} exact zeros in the {dname} input of size {n}", file=sys.stderr)
            reps = args.reps or default_reps(n)
            warm = args.warmup if args.warmup is not None else default_warmup(n)
            for (name, param, variant, kind, fn) in todo:
                for pas in passes:
                    if pas == "fwdbwd" and kind != "fresh":
                        continue
                    if pas == "fwdbwd" and name == "copy":
                        continue
                    if name in ("lse0_plus", "prelu") and n % args.row:
                        continue
                    best = None
                    tries = 0
                    try:
                        while True:
                            canary.wait_quiet()
                            times, peak = time_case(name, variant, kind, fn, x0, pas, reps,
                                                    warm, float(param) if param else 0.0,
                                                    args.row, w0d,
                                                    up0 if name in GATED else None)
                            busy = not canary.quiet()
                            tries += 1
                            med, mn = statistics.median(times), min(times)
                            # a run the canary calls busy loses to any quiet run
                            key = (busy, med)
                            if best is None or key < best[0]:
                                best = (key, med, mn, peak)
                            good = not best[0][0] and best[1] <= NOISY * best[2]
                            if good or tries > args.retries:
                                break
                    except (RuntimeError, TypeError, NotImplementedError) as e:
                        print(f"skip {name}/{variant}/{pas}/{dname}/{n}: {e}", file=sys.stderr)
                        continue
                    (busy, _), med, mn, peak = best
                    noisy = med > NOISY * mn
                    n_noisy += noisy
                    n_busy += busy
                    if name in GATED:  # read gate, up, write y; + read gate, up, dy, write 2
                        nbytes = (3 if pas == "fwd" else 8) * n * isz
                    elif name == "lse0_plus":  # the CLI's formula (benches/src/lib.rs)
                        full = n * isz
                        nbytes = (full + full // args.row if pas == "fwd"
                                  else 3 * full + 2 * full // args.row)
                    else:
                        nbytes = (2 if pas == "fwd" else 5) * n * isz
                    row = {
                        "source": "pytorch", "backend": "pytorch-cpu", "function": name,
                        "param": param, "variant": variant, "pass": pas, "dtype": dname,
                        "size": n, "threads": args.threads,
                        "median_ns": int(round(med)), "min_ns": int(mn), "bytes": nbytes,
                        "gbps": f"{nbytes / med:.3f}",
                        "peak_rss_mib": "" if peak is None else f"{peak:.1f}",
                    }
                    rows.append(row)
                    flags.append(("‡" if noisy else "") + ("§" if busy else "")
                                 + (f" ({tries} runs)" if tries > 1 else ""))
                    print(f"  {name:16s} {variant:16s} {pas:7s} {dname:5s} {size_label(n):6s} "
                          f"median {fmt_ns(med):>10s}  min {fmt_ns(mn):>10s}  "
                          f"{nbytes / med:7.2f} GB/s  {row['peak_rss_mib']}",
                          file=sys.stderr, flush=True)
            del x0, up0
            gc.collect()

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)

    # markdown: one table, rows ordered as measured
    lines = ["| function | param | variant | pass | dtype | size | median | min | GB/s "
             "| peak RSS MiB | note |",
             "|---|---|---|---|---|---|---:|---:|---:|---:|---|"]
    for r, fl in zip(rows, flags):
        lines.append(
            f"| {r['function']} | {r['param']} | {r['variant']} | {r['pass']} | {r['dtype']} "
            f"| {size_label(r['size'])} | {fmt_ns(r['median_ns'])} | {fmt_ns(r['min_ns'])} "
            f"| {float(r['gbps']):.2f} | {r['peak_rss_mib']} | {fl} |")
    finished = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    md = "\n".join(header + lines + ["", f"finished {finished} (load average {loadavg()}); CSV: "
                                         f"`{os.path.relpath(args.out)}`", ""])
    lines += ["", f"‡ median > {NOISY:g}x min even after --retries {args.retries}: preempted, "
              f"trust the min more ({n_noisy} rows). § the canary (a {CANARY_N >> 10}Ki copy "
              f"at {args.threads} threads) ran over {CANARY_BUSY:g}x its best right after the "
              f"row: the machine was busy, the median is likely inflated ({n_busy} rows). "
              "\"(k runs)\": measured k times (busy or median > 2x min), the best run kept. "
              f"Waited {canary.waited:.0f} s in all for a quiet machine (--max-wait "
              f"{args.max_wait:g})."]
    print("\n".join(lines + [""]))
    md_path = args.md or os.path.splitext(args.out)[0] + ".md"
    with open(md_path, "w") as f:
        f.write(md)


if __name__ == "__main__":
    main()
