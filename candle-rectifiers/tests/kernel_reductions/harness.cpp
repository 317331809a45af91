// Replays on the CPU the reductions of the LSE0+ and PReLU-backward kernels (rectifiers.cu):
// the per-thread arithmetic is the kernels' own (lse0_plus.cuh, prelu.cuh, math.cuh, compiled
// here through shim.h); what this file re-implements is only how the kernels hand out elements
// to threads and the fixed order in which the threads' states are merged (utils.cuh:
// group_reduce, block_reduce). Writes, for tests/kernel_reductions.rs, blocks of
//
//   u32 kind (1 = LSE0+, 2 = PReLU), u32 label length, label,
//   LSE0+: u64 rows, u64 n, f32 x[rows n], f32 dy[rows], f32 y[rows], f64 y64[rows],
//          f32 dx[rows n], f64 dx64[rows n]
//   PReLU: u64 outer, u64 channels, u64 inner, f32 x[numel], f32 dy[numel], f32 dalpha[C],
//          f64 dalpha64[C]
//
// little-endian, to stdout. The f32 results are the float path (what the f32 kernels compute),
// the f64 ones the double path at (double)x.
#include "../kernel_formulas/shim.h"
#include "../../kernels/math.cuh"
#include "../../kernels/lse0_plus.cuh"
#include "../../kernels/prelu.cuh"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static void put(const void *p, size_t bytes) {
    if (bytes > 0 && fwrite(p, 1, bytes, stdout) != bytes) {
        perror("write");
        std::exit(1);
    }
}
template<typename V>
static void put_vec(const std::vector<V> &v) {
    put(v.data(), v.size() * sizeof(V));
}
static void put_u64(uint64_t v) { put(&v, 8); }
static void put_header(uint32_t kind, const std::string &label) {
    const uint32_t len = (uint32_t)label.size();
    put(&kind, 4);
    put(&len, 4);
    put(label.data(), len);
}

// ---------------------------------------------------------------- merge orders (utils.cuh)

// group_reduce over `width` lanes, then (width 32, more lanes) block_reduce's fold of the
// warps in order: what every thread ends with.
template<typename S, typename M>
static S tree(std::vector<S> v, M merge) {
    const size_t lanes = v.size();
    const size_t width = std::min<size_t>(lanes, 32);
    for (size_t w0 = 0; w0 < lanes; w0 += width) {
        for (size_t o = 1; o < width; o <<= 1) {
            for (size_t l = 0; l < width; l++) {
                if ((l & o) == 0) {
                    merge(v[w0 + l], v[w0 + (l | o)]);
                    v[w0 + (l | o)] = v[w0 + l];
                }
            }
        }
    }
    S total = v[0];
    for (size_t w0 = width; w0 < lanes; w0 += width) merge(total, v[w0]);
    return total;
}

template<typename S>
static void merge_lse(S &a, const S &b) {
    lse_merge(a, b);
}
static void merge_comp(CompSum<double> &a, const CompSum<double> &b) { comp_merge(a, b); }

// ---------------------------------------------------------------- LSE0+

template<typename T>
static T store(T v) {
    return v;
}

// lse0_plus_fwd_cached / lse0_plus_bwd_cached for one row, with `tpr` threads.
template<typename A, bool VEC>
static void lse_cached(const A *row, size_t n, unsigned tpr, A dy, A &y, A *dx) {
    std::vector<LseMax<A>> st(tpr, lse_max_init<A>());
    for (unsigned l = 0; l < tpr; l++) {
        for (int s = 0; s < LSE_CACHE; s++) {
            const size_t e = lse_slot_index<A, VEC>(s, l, tpr);
            if (e < n) lse_max_add(st[l], row[e], e);
        }
    }
    const LseMax<A> m = tree(st, merge_lse<LseMax<A>>);
    const bool finite = !m.nan && m.m != A(INFINITY);
    std::vector<CompSum<A>> fwd(tpr, CompSum<A>{A(0), A(0)}), bwd = fwd;
    for (unsigned l = 0; l < tpr; l++) {
        for (int s = 0; s < LSE_CACHE && finite; s++) {
            const size_t e = lse_slot_index<A, VEC>(s, l, tpr);
            if (e < n && e != m.at) {
                comp_add_finite(fwd[l], exp_(row[e] - m.m));
                comp_add_finite(bwd[l], lse_grad_term(row[e], m.m));
            }
        }
    }
    y = lse_value(m, tree(fwd, merge_lse<CompSum<A>>));
    const A denom = lse_denominator(m, tree(bwd, merge_lse<CompSum<A>>));
    for (size_t e = 0; e < n; e++) {
        const A v = finite ? lse_grad_term(row[e], m.m) : row[e];
        dx[e] = store(dy * lse_grad(m, v, denom));
    }
}

// lse0_plus_part + lse0_plus_merge (+ lse0_plus_bwd_split) for one row.
template<typename A, bool VEC>
static void lse_split(const A *row, size_t n, A dy, A &y, A *dx) {
    const size_t chunks = n == 0 ? 1 : (n + LSE_CHUNK - 1) / LSE_CHUNK;
    std::vector<LsePart<A>> parts;
    for (size_t c = 0; c < chunks; c++) {
        const size_t lo = c * LSE_CHUNK;
        const size_t len = std::min<size_t>(LSE_CHUNK, n - lo);
        std::vector<LsePart<A>> p(LSE_SPLIT_THREADS, lse_part_init<A>());
        for (unsigned t = 0; t < LSE_SPLIT_THREADS; t++) {
            for (int s = 0; s < LSE_CHUNK / LSE_SPLIT_THREADS; s++) {
                const size_t e = lse_slot_index<A, VEC>(s, t, LSE_SPLIT_THREADS);
                if (e < len) lse_part_add(p[t], row[lo + e], lo + e);
            }
        }
        parts.push_back(tree(p, merge_lse<LsePart<A>>));
    }
    std::vector<LsePart<A>> fold(LSE_SPLIT_THREADS, lse_part_init<A>());
    for (size_t c = 0; c < chunks; c++) lse_merge(fold[c % LSE_SPLIT_THREADS], parts[c]);
    const LsePart<A> p = tree(fold, merge_lse<LsePart<A>>);
    const LseMax<A> m = lse_part_max(p);
    y = lse_value(m, p.r);
    const bool finite = !m.nan && m.m != A(INFINITY);
    const A denom = lse_denominator(m, p.r);
    for (size_t e = 0; e < n; e++) {
        const A v = finite ? lse_grad_term(row[e], m.m) : row[e];
        dx[e] = store(dy * lse_grad(m, v, denom));
    }
}

// Path: tpr > 0 the cached kernels with that many threads per row, 0 the split kernels.
template<typename A, bool VEC>
static void lse_rows(const std::vector<float> &x, const std::vector<float> &dy, size_t n,
                     unsigned tpr, std::vector<A> &y, std::vector<A> &dx) {
    const size_t rows = dy.size();
    y.assign(rows, A(0));
    dx.assign(rows * n, A(0));
    std::vector<A> row(n);
    for (size_t r = 0; r < rows; r++) {
        for (size_t e = 0; e < n; e++) row[e] = (A)x[r * n + e];
        if (tpr > 0) {
            lse_cached<A, VEC>(row.data(), n, tpr, (A)dy[r], y[r], dx.data() + r * n);
        } else {
            lse_split<A, VEC>(row.data(), n, (A)dy[r], y[r], dx.data() + r * n);
        }
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double uniform() {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

// Row contents: a name and a generator of element e of row r.
static float lse_input(int kind, size_t r, size_t e, size_t n) {
    switch (kind) {
    case 0: // spread over [-40, 40]
        return (float)((uniform() - 0.5) * 80.0);
    case 1: // all far below 0: lse0+ = sum e^x, tiny, must keep relative precision
        return (float)(-60.0 - 40.0 * uniform());
    case 2: // ascending: the running maximum grows at every element
        return (float)(-10.0 + 20.0 * (double)e / (double)(n > 1 ? n - 1 : 1));
    case 3: // near 0, both signs
        return (float)((uniform() - 0.5) * 2e-3);
    default: { // special rows, one kind per row
        const float v = (float)((uniform() - 0.5) * 20.0);
        switch (r % 8) {
        case 0: return e == n / 2 ? NAN : v;
        case 1: return e == n / 3 || e == n - 1 ? INFINITY : v;
        case 2: return e % 5 == 0 ? -INFINITY : v;
        case 3: return -INFINITY;
        case 4: return e % 3 == 0 ? 7.5f : -1.0f; // ties of the maximum
        case 5: return 0.0f;
        case 6: return e == 0 ? 80.0f : v; // one dominant element first
        default: return e == n - 1 ? 80.0f : v; // ... and last
        }
    }
    }
}
static const char *LSE_KINDS[] = {"spread", "negative", "ascending", "small", "special"};

static void lse_case(int kind, size_t n) {
    const size_t rows =
        std::max<size_t>(8, std::min<size_t>(256, (1u << 16) / std::max<size_t>(n, 1)));
    std::vector<float> x(rows * n), dy(rows);
    for (size_t r = 0; r < rows; r++) {
        for (size_t e = 0; e < n; e++) x[r * n + e] = lse_input(kind, r, e, n);
        dy[r] = (float)(0.5 + 2.0 * uniform()) * (r % 2 ? -1.0f : 1.0f);
    }
    // Every valid cached width (the launcher takes the smallest), and the split path (the
    // launcher's for n > LSE_CACHE * LSE_MAX_TPR, valid for any n); aligned (vector) and not.
    std::vector<unsigned> paths;
    for (unsigned tpr = 1; tpr <= LSE_MAX_TPR; tpr *= 2) {
        if ((size_t)tpr * LSE_CACHE >= n) paths.push_back(tpr);
    }
    paths.push_back(0);
    for (unsigned tpr : paths) {
        for (int vec = 0; vec < 2; vec++) {
            // The vector path needs whole vectors (4 floats, 2 doubles): take both or neither.
            if (vec && n % 4 != 0) continue;
            std::vector<float> y32, dx32;
            std::vector<double> y64, dx64;
            if (vec) {
                lse_rows<float, true>(x, dy, n, tpr, y32, dx32);
                lse_rows<double, true>(x, dy, n, tpr, y64, dx64);
            } else {
                lse_rows<float, false>(x, dy, n, tpr, y32, dx32);
                lse_rows<double, false>(x, dy, n, tpr, y64, dx64);
            }
            const std::string path = tpr ? "tpr" + std::to_string(tpr) : "split";
            put_header(1, std::string("lse0_plus ") + LSE_KINDS[kind] + " n=" + std::to_string(n) +
                              " " + path + (vec ? " vec" : ""));
            put_u64(rows);
            put_u64(n);
            put_vec(x);
            put_vec(dy);
            put_vec(y32);
            put_vec(y64);
            put_vec(dx32);
            put_vec(dx64);
        }
    }
}

// ---------------------------------------------------------------- PReLU dalpha

// Pass 1 + pass 2 for a plan: element slots (segs = 0) or row slots (segs >= 1); the slot
// count is q * C * w. Returns the per-channel compensated sums' values.
static std::vector<double> prelu_dalpha(const std::vector<float> &x, const std::vector<float> &dy,
                                        size_t channels, size_t inner, size_t q, size_t segs) {
    const size_t numel = x.size();
    const size_t w = segs == 0 ? inner : segs;
    const size_t slots = q * channels * w;
    std::vector<CompSum<double>> part(slots, CompSum<double>{0.0, 0.0});
    if (segs == 0) {
        for (size_t t = 0; t < slots; t++) {
            for (size_t i = t; i < numel; i += slots) prelu_dalpha_add(part[t], x[i], dy[i]);
        }
    } else {
        const size_t seg_len = (inner + segs - 1) / segs;
        const size_t units = numel / inner * segs;
        const unsigned threads = 256;
        for (size_t b = 0; b < slots; b++) {
            std::vector<CompSum<double>> run(threads, CompSum<double>{0.0, 0.0});
            for (size_t u = b; u < units; u += slots) {
                const size_t lo = (u % segs) * seg_len;
                const size_t hi = std::min(inner, lo + seg_len);
                const size_t base = (u / segs) * inner;
                for (unsigned t = 0; t < threads; t++) {
                    for (size_t j = lo + t; j < hi; j += threads) {
                        prelu_dalpha_add(run[t], x[base + j], dy[base + j]);
                    }
                }
            }
            part[b] = tree(run, merge_comp);
        }
    }
    std::vector<double> out(channels);
    for (size_t c = 0; c < channels; c++) {
        std::vector<CompSum<double>> run(256, CompSum<double>{0.0, 0.0});
        for (size_t k = 0; k < q * w; k++) {
            comp_merge(run[k % 256], part[prelu_slot(k, c, channels, w)]);
        }
        out[c] = comp_value(tree(run, merge_comp));
    }
    return out;
}

static void prelu_case(size_t outer, size_t channels, size_t inner) {
    const size_t numel = outer * channels * inner;
    std::vector<float> x(numel), dy(numel);
    for (size_t i = 0; i < numel; i++) {
        x[i] = (float)((uniform() - 0.6) * 8.0);
        dy[i] = (float)((uniform() - 0.5) * 4.0);
    }
    if (numel > 10) x[numel / 3] = -0.0f;
    // Plans: element slots with a stride of 1, 3 or all `outer` periods; row slots with 1, 2
    // or 7 segments a row and the same q's (the launcher picks one of each family).
    const size_t kernel_inner = channels == 1 ? 1 : inner;
    const size_t kernel_outer = numel / (channels * kernel_inner);
    std::vector<std::pair<size_t, size_t>> plans; // (q, segs)
    for (size_t q : {(size_t)1, (size_t)3, kernel_outer}) {
        if (q > kernel_outer) continue;
        plans.push_back({q, 0});
        for (size_t segs : {(size_t)1, (size_t)2, (size_t)7}) {
            if (segs > kernel_inner) continue;
            const size_t seg_len = (kernel_inner + segs - 1) / segs;
            plans.push_back({q, (kernel_inner + seg_len - 1) / seg_len});
        }
    }
    for (auto [q, segs] : plans) {
        const std::vector<double> da = prelu_dalpha(x, dy, channels, kernel_inner, q, segs);
        std::vector<float> da32(channels);
        for (size_t c = 0; c < channels; c++) da32[c] = (float)da[c];
        put_header(2, "prelu dalpha [" + std::to_string(outer) + ", " + std::to_string(channels) +
                          ", " + std::to_string(inner) + "] q=" + std::to_string(q) +
                          (segs ? " rows segs=" + std::to_string(segs) : " elems"));
        put_u64(outer);
        put_u64(channels);
        put_u64(inner);
        put_vec(x);
        put_vec(dy);
        put_vec(da32);
        put_vec(da);
    }
}

int main() {
    for (int kind = 0; kind < 5; kind++) {
        for (size_t n : {(size_t)1, (size_t)3, (size_t)16, (size_t)17, (size_t)64, (size_t)100,
                         (size_t)1000, (size_t)4096, (size_t)8192, (size_t)8193, (size_t)20000}) {
            lse_case(kind, n);
        }
    }
    prelu_case(1, 1, 1);
    prelu_case(64, 3, 1);
    prelu_case(300, 7, 40);
    prelu_case(4, 2, 3000);
    prelu_case(1, 1, 100000);
    prelu_case(2, 3, 1024);
    fflush(stdout);
    return 0;
}
