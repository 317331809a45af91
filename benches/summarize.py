"""Condenses a rectifiers-bench CSV (and PyTorch's, when given) into the target tables of
benches/README.md: every ratio is of two rows measured in the same run.

    python3 benches/summarize.py benches/results/cpu-16Mi.csv [benches/results/pytorch.csv]

A CSV from `rectifiers-bench --pytorch ...` holds PyTorch's rows (backend `pytorch-cpu`) beside
ours, timed in the same rounds: they make the PyTorch columns when no second CSV is given.
A second CSV is a separate run of benches/pytorch_baseline.py (not side by side).

Standard library only. Sizes: the 16Mi tables use the CSV's largest size, the small-tensor
table its smallest.
"""
import csv
import sys
from collections import defaultdict

FAST = ["relu", "leaky_relu", "prelu", "srelu", "squareplus"]  # target <= 1.1x ReLU
SMOOTH = ["softplus", "elu", "silu", "mish", "gelu", "softplus_approx"]  # target <= 1.5x
OTHER = ["gelu_tanh", "lse0_plus"]
BACKENDS = ["ndarray", "flex", "candle"]


def load(path):
    rows = defaultdict(dict)
    with open(path) as f:
        for r in csv.DictReader(f):
            key = (r["backend"], r["function"], r["pass"], r["dtype"], int(r["size"]))
            rows[key][r["variant"]] = r
    return rows


def ms(r):
    return float(r["median_ns"]) / 1e6


def fmt_ms(v):
    return f"{v:.2f} ms" if v >= 0.1 else f"{v * 1000:.1f} µs"


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def get(rows, backend, function, pass_, size, variant, dtype="f32"):
    r = rows.get((backend, function, pass_, dtype, size), {}).get(variant)
    return ms(r) if r else None


def torch_ms(torch, function, pass_, size, dtype="f32"):
    if torch is None:
        return None
    vs = torch.get(("pytorch-cpu", function, pass_, dtype, size), {})
    r = vs.get("builtin") or vs.get("composed")
    return ms(r) if r else None


def main():
    rows = load(sys.argv[1])
    if len(sys.argv) > 2:
        torch = load(sys.argv[2])
    else:
        torch = rows if any(k[0] == "pytorch-cpu" for k in rows) else None
    sizes = sorted({k[4] for k in rows})
    big, small = sizes[-1], sizes[0]
    copy_fresh = get(rows, "cpu", "copy", "fwd", big, "fresh")
    copy_reused = get(rows, "cpu", "copy", "fwd", big, "reused")
    print(f"copy of {big} f32 elements: fresh {fmt_ms(copy_fresh)}, reused {fmt_ms(copy_reused)}\n")

    print(f"### Forward, {big} f32: fused time and ratios (target column: x framework ReLU)\n")
    print("| function | target | " + " | ".join(
        f"{b} fused | {b} x ReLU | {b} x composed | {b} x built-in" for b in BACKENDS)
        + " | PyTorch | best fused x PyTorch |")
    print("|---|---|" + "---:|" * (4 * len(BACKENDS) + 2))
    for fn in FAST + SMOOTH + OTHER:
        target = "<= 1.1" if fn in FAST else "<= 1.5" if fn in SMOOTH else "-"
        cells, best = [], None
        for b in BACKENDS:
            f = get(rows, b, fn, "fwd", big, "fused")
            relu = get(rows, b, fn, "fwd", big, "relu")
            comp = get(rows, b, fn, "fwd", big, "composed")
            builtin = get(rows, b, fn, "fwd", big, "builtin")
            best = f if best is None or (f is not None and f < best) else best
            cells += [fmt_ms(f) if f else "-", ratio(f, relu), ratio(f, comp), ratio(f, builtin)]
        t = torch_ms(torch, fn, "fwd", big)
        print(f"| {fn} | {target} | " + " | ".join(cells)
              + f" | {fmt_ms(t) if t else '-'} | {ratio(best, t)} |")

    print(f"\n### Forward + backward, {big} f32 (target: composed / fused >= 3)\n")
    print("| function | " + " | ".join(
        f"{b} fused | {b} composed / fused | {b} peak MiB fused / composed" for b in BACKENDS)
        + " | PyTorch | best fused x PyTorch |")
    print("|---|" + "---:|" * (3 * len(BACKENDS) + 2))
    for fn in FAST + SMOOTH + OTHER:
        cells, best = [], None
        for b in BACKENDS:
            vs = rows.get((b, fn, "fwdbwd", "f32", big), {})
            f, c = vs.get("fused"), vs.get("composed")
            fm, cm = (ms(f) if f else None), (ms(c) if c else None)
            best = fm if best is None or (fm is not None and fm < best) else best
            mem = (f"{float(f['peak_rss_mib']):.0f} / {float(c['peak_rss_mib']):.0f}"
                   if f and c and f["peak_rss_mib"] and c["peak_rss_mib"] else "-")
            cells += [fmt_ms(fm) if fm else "-", ratio(cm, fm), mem]
        t = torch_ms(torch, fn, "fwdbwd", big)
        print(f"| {fn} | " + " | ".join(cells) + f" | {fmt_ms(t) if t else '-'} | {ratio(best, t)} |")

    print(f"\n### In place, {big} f32 (target: <= 1.3x the copy into a reused buffer)\n")
    print("| function | " + " | ".join(f"{b} in place | {b} x copy" for b in BACKENDS) + " |")
    print("|---|" + "---:|" * (2 * len(BACKENDS)))
    for fn in FAST + SMOOTH + ["gelu_tanh"]:
        cells = []
        for b in BACKENDS:
            v = get(rows, b, fn, "fwd", big, "fused_inplace")
            cells += [fmt_ms(v) if v else "-", ratio(v, copy_reused)]
        print(f"| {fn} | " + " | ".join(cells) + " |")

    if small != big:
        print(f"\n### Small tensors, {small} f32 forward (target: fused <= 1.2x framework ReLU)\n")
        print("| function | " + " | ".join(f"{b} fused | {b} x ReLU" for b in BACKENDS)
              + " | PyTorch | best fused x PyTorch |")
        print("|---|" + "---:|" * (2 * len(BACKENDS) + 2))
        for fn in FAST + SMOOTH + OTHER:
            cells, best = [], None
            for b in BACKENDS:
                f = get(rows, b, fn, "fwd", small, "fused")
                relu = get(rows, b, fn, "fwd", small, "relu")
                best = f if best is None or (f is not None and f < best) else best
                cells += [fmt_ms(f) if f else "-", ratio(f, relu)]
            t = torch_ms(torch, fn, "fwd", small)
            print(f"| {fn} | " + " | ".join(cells)
                  + f" | {fmt_ms(t) if t else '-'} | {ratio(best, t)} |")


if __name__ == "__main__":
    main()
