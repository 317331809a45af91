// Runs the gated kernels' bodies (kernels/gated.cuh: gated_fwd_body, gated_bwd_body, with the
// kernels' own op types and dtype conversions) on the CPU, over a simulated grid, and streams
// what they wrote to stdout for tests/kernel_gated.rs, which compares it with rectifiers-core.
//
// The grid: every (block, thread) of `GRID` blocks of `BLOCK` threads runs the body in turn, with
// threadIdx / blockIdx / blockDim / gridDim set as CUDA would. The bodies write each element from
// one thread and read only inputs, so the order in which threads run does not change the result.
// Each body runs twice, over outputs pre-filled with two different patterns: an element that no
// thread wrote keeps its pattern, so the two runs differ there ("unwritten").
//
// Per (function, parameter) and (dtype, layout), a block of
//
//   u32 label length, label "<op>_<param %.17g> <dtype> <layout>", u64 n, u64 unwritten,
//   n records {f64 gate, up, dy, f, f', y, d_gate, d_up}
//
// little-endian: the logical (row-major) inputs as the dtype holds them, the kernel formulas'
// f(gate) and f'(gate) in the compute type (`Op::fwd`, `Op::grad` on `Io<T>::load(gate)`), and
// the bodies' outputs, all widened exactly to double.
#include "../kernel_formulas/shim.h"

// The CUDA built-ins the indexing reads (kernels/indexing.cuh), set by `launch` below.
struct HostDim3 {
    unsigned x, y, z;
};
static HostDim3 threadIdx, blockIdx, blockDim, gridDim;

#include "../../kernels/gated.cuh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

RECT_OP(relu)
RECT_OP(leaky_relu)
RECT_OP(gelu)
RECT_OP(gelu_tanh)
RECT_OP(silu)
RECT_OP(softplus)
RECT_OP(softplus_approx)
RECT_OP(elu)
RECT_OP(srelu)
RECT_OP(mish)
RECT_OP(squareplus)

// Threads per block and blocks: 224 threads, which divides none of the element counts, so the
// grid-stride loops end mid-grid and the contiguous forward's two-at-a-time loop leaves a tail.
static const unsigned BLOCK = 32;
static const unsigned GRID = 7;

// The logical shape [ROWS, COLS].
static const size_t ROWS = 384;
static const size_t COLS = 193;
static const size_t N = ROWS * COLS;

template<typename Body>
static void launch(Body body) {
    gridDim = {GRID, 1, 1};
    blockDim = {BLOCK, 1, 1};
    for (unsigned b = 0; b < GRID; b++) {
        blockIdx = {b, 0, 0};
        for (unsigned t = 0; t < BLOCK; t++) {
            threadIdx = {t, 0, 0};
            body();
        }
    }
}

static void put(const void *p, size_t bytes) {
    if (bytes > 0 && fwrite(p, 1, bytes, stdout) != bytes) {
        perror("write");
        std::exit(1);
    }
}

// ---------------------------------------------------------------- inputs

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_u64() {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double uniform() { return (double)(next_u64() >> 11) / 9007199254740992.0; }

static const double SPECIAL[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1.0, -1.0, 3.0e38,
                                 -3.0e38, 1e-40, -1e-40, 1e-6, -2.5, 65504.0, 7.0e4};

// Gate values: the special values, every 4099th f32 bit pattern of a stretch (all magnitudes of
// both signs over the sample), then a dense sweep of [-30, 30].
static std::vector<double> gate_values(size_t n) {
    std::vector<double> v(SPECIAL, SPECIAL + sizeof SPECIAL / sizeof SPECIAL[0]);
    uint32_t bits = 0x00012345u;
    while (v.size() < n / 3) {
        float f;
        memcpy(&f, &bits, 4);
        v.push_back(f);
        bits += 4099u * 37u;
    }
    const size_t dense = n - v.size();
    for (size_t i = 0; i < dense; i++) v.push_back(-30.0 + 60.0 * (double)i / (double)dense);
    return v;
}

// up / dy values: the special values, then magnitudes spread over 2^-30 .. 2^30 with random signs
// and a third in [-8, 8].
static std::vector<double> factor_values(size_t n) {
    std::vector<double> v(SPECIAL, SPECIAL + sizeof SPECIAL / sizeof SPECIAL[0]);
    while (v.size() < n) {
        const double sign = (next_u64() & 1) ? -1.0 : 1.0;
        v.push_back(v.size() % 3 == 0 ? sign * 8.0 * uniform() : sign * exp2(60.0 * uniform() - 30.0));
    }
    return v;
}

template<typename T>
static T from_double(double v) {
    return Io<T>::store((typename Io<T>::C)v);
}
template<typename T>
static double to_double(T v) {
    return (double)Io<T>::load(v);
}

// ---------------------------------------------------------------- layouts

// One operand: its buffer, and candle's info (dims then strides) or none when contiguous.
template<typename T>
struct Operand {
    std::vector<T> buf;
    const T *base;
    std::vector<size_t> info;  // empty: pass nullptr
    const size_t *info_ptr() const { return info.empty() ? nullptr : info.data(); }
};

template<typename T>
static Operand<T> contiguous(const std::vector<double> &logical, bool with_info) {
    Operand<T> o;
    o.buf.resize(N);
    for (size_t i = 0; i < N; i++) o.buf[i] = from_double<T>(logical[i]);
    o.base = o.buf.data();
    if (with_info) o.info = {ROWS, COLS, COLS, 1};
    return o;
}

// Stored transposed, [COLS, ROWS]: logical (r, c) at c * ROWS + r.
template<typename T>
static Operand<T> transposed(const std::vector<double> &logical) {
    Operand<T> o;
    o.buf.resize(N);
    for (size_t r = 0; r < ROWS; r++)
        for (size_t c = 0; c < COLS; c++) o.buf[c * ROWS + r] = from_double<T>(logical[r * COLS + c]);
    o.base = o.buf.data();
    o.info = {ROWS, COLS, 1, ROWS};
    return o;
}

// One row broadcast over the rows: logical (r, c) is row[c] (stride 0 on the rows).
template<typename T>
static Operand<T> broadcast(const std::vector<double> &logical) {
    Operand<T> o;
    o.buf.resize(COLS);
    for (size_t c = 0; c < COLS; c++) o.buf[c] = from_double<T>(logical[c]);
    o.base = o.buf.data();
    o.info = {ROWS, COLS, 0, 1};
    return o;
}

// The split form: one [ROWS, 2 COLS] buffer, gate its first half of each row, up the second.
template<typename T>
static void split(const std::vector<double> &g, const std::vector<double> &u, Operand<T> &gate,
                  Operand<T> &up) {
    std::vector<T> buf(2 * N);
    for (size_t r = 0; r < ROWS; r++)
        for (size_t c = 0; c < COLS; c++) {
            buf[r * 2 * COLS + c] = from_double<T>(g[r * COLS + c]);
            buf[r * 2 * COLS + COLS + c] = from_double<T>(u[r * COLS + c]);
        }
    gate.buf = buf;
    gate.base = gate.buf.data();
    gate.info = {ROWS, COLS, 2 * COLS, 1};
    up.buf = buf;
    up.base = up.buf.data() + COLS;
    up.info = gate.info;
}

// The logical element i of an operand, found by the row-major position (not by the kernels'
// get_strided_index).
template<typename T>
static T logical_at(const Operand<T> &o, size_t i) {
    if (o.info.empty()) return o.base[i];
    const size_t r = i / COLS, c = i % COLS;
    return o.base[r * o.info[2] + c * o.info[3]];
}

// ---------------------------------------------------------------- one case

template<typename T>
static void fill(std::vector<T> &v, int pattern) {
    // Two patterns no result equals bit for bit in both runs: all-ones and 0x5a bytes.
    memset(v.data(), pattern ? 0xff : 0x5a, v.size() * sizeof(T));
}

template<typename Op, typename T>
static void run(const std::string &label, double param, const Operand<T> &gate,
                const Operand<T> &up, const Operand<T> &dy) {
    typedef typename Io<T>::C C;
    std::vector<T> y[2], grads[2];
    for (int k = 0; k < 2; k++) {
        y[k].resize(N);
        grads[k].resize(2 * N);
        fill(y[k], k);
        fill(grads[k], k);
        launch([&] {
            gated_fwd_body<Op, T>(N, 2, gate.info_ptr(), up.info_ptr(), param, gate.base, up.base,
                                  y[k].data());
        });
        launch([&] {
            gated_bwd_body<Op, T>(N, 2, gate.info_ptr(), up.info_ptr(), dy.info_ptr(), param,
                                  gate.base, up.base, dy.base, grads[k].data());
        });
    }
    uint64_t unwritten = 0;
    for (size_t i = 0; i < N; i++) {
        unwritten += memcmp(&y[0][i], &y[1][i], sizeof(T)) != 0;
        unwritten += memcmp(&grads[0][i], &grads[1][i], sizeof(T)) != 0;
        unwritten += memcmp(&grads[0][N + i], &grads[1][N + i], sizeof(T)) != 0;
    }
    const uint32_t len = (uint32_t)label.size();
    const uint64_t n = N;
    put(&len, 4);
    put(label.data(), len);
    put(&n, 8);
    put(&unwritten, 8);
    const Param<C> p = make_param<C>(param);
    std::vector<double> recs(8 * N);
    for (size_t i = 0; i < N; i++) {
        const T g = logical_at(gate, i);
        const C gc = Io<T>::load(g);
        double *r = &recs[8 * i];
        r[0] = to_double(g);
        r[1] = to_double(logical_at(up, i));
        r[2] = to_double(logical_at(dy, i));
        r[3] = (double)Op::fwd(gc, p);
        r[4] = (double)Op::grad(gc, p);
        r[5] = to_double(y[0][i]);
        r[6] = to_double(grads[0][i]);
        r[7] = to_double(grads[0][N + i]);
    }
    put(recs.data(), recs.size() * sizeof(double));
}

template<typename Op, typename T>
static void run_layouts(const char *op, double param, const char *dtype, bool all_layouts,
                        const std::vector<double> &g, const std::vector<double> &u,
                        const std::vector<double> &d) {
    char head[128];
    snprintf(head, sizeof head, "%s_%.17g %s ", op, param, dtype);
    const std::string h(head);
    run<Op, T>(h + "contiguous", param, contiguous<T>(g, false), contiguous<T>(u, false),
               contiguous<T>(d, false));
    if (!all_layouts) return;
    Operand<T> sg, su;
    split<T>(g, u, sg, su);
    run<Op, T>(h + "split", param, sg, su, contiguous<T>(d, false));
    run<Op, T>(h + "broadcast_up", param, contiguous<T>(g, true), broadcast<T>(u),
               contiguous<T>(d, false));
    run<Op, T>(h + "transposed", param, transposed<T>(g), contiguous<T>(u, false),
               transposed<T>(d));
}

template<typename Op>
static void run_case(const char *op, double param, const std::vector<double> &g,
                     const std::vector<double> &u, const std::vector<double> &d) {
    run_layouts<Op, float>(op, param, "f32", true, g, u, d);
    run_layouts<Op, double>(op, param, "f64", false, g, u, d);
    run_layouts<Op, __half>(op, param, "f16", false, g, u, d);
    run_layouts<Op, __nv_bfloat16>(op, param, "bf16", false, g, u, d);
}

#define CASE(OP, P) run_case<OP##_op>(#OP, P, g, u, d)

int main() {
    const std::vector<double> g = gate_values(N), u = factor_values(N), d = factor_values(N);
    CASE(relu, 0.0);
    CASE(leaky_relu, 0.01);
    CASE(gelu, 0.0);
    CASE(gelu_tanh, 0.0);
    CASE(silu, 0.0);
    CASE(softplus, 1.0);
    CASE(softplus, 10.0);
    CASE(softplus, 0.1);
    CASE(softplus_approx, 0.0);
    CASE(elu, 1.0);
    CASE(srelu, 1.0);
    CASE(mish, 0.0);
    CASE(squareplus, 4.0);
    CASE(squareplus, 0.0);
    fflush(stdout);
    return 0;
}
