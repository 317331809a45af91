// Evaluates every elementwise kernel formula (float and double paths) on a sweep of f32 inputs
// and streams the results to stdout, per (function, parameter): a u32 name length, the name
// ("<op>_<param>"), a u64 record count, then records {f32 x, f32 f, f32 f', f32 pad, f64 f,
// f64 f'} (the f64 ones at (double)x), little-endian. `tests/kernel_formulas.rs` compiles this
// with g++, reads the stream and compares it with rectifiers-core; see its module doc.
#include "shim.h"
#include "../../kernels/math.cuh"
#include "../../kernels/functions.cuh"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

struct Rec {
    float x, y, g, pad;
    double y64, g64;
};

static std::vector<float> xs;

// The 2n + 1 consecutive floats centred on c.
static void push_around(float c, int n) {
    float x = c;
    for (int i = 0; i < n; i++) x = nextafterf(x, -INFINITY);
    for (int i = 0; i <= 2 * n; i++) {
        xs.push_back(x);
        x = nextafterf(x, INFINITY);
    }
}

template<typename F1, typename G1, typename F2, typename G2>
static void run(const char *name, double param, F1 f32, G1 g32, F2 f64, G2 g64) {
    const Param<float> pf = make_param<float>(param);
    const Param<double> pd = make_param<double>(param);
    std::vector<Rec> recs(xs.size());
    for (size_t i = 0; i < xs.size(); i++) {
        const float x = xs[i];
        recs[i] = {x, f32(x, pf), g32(x, pf), 0.0f, f64((double)x, pd), g64((double)x, pd)};
    }
    char label[256];
    const int len = snprintf(label, sizeof label, "%s_%.17g", name, param);
    const uint32_t name_len = (uint32_t)len;
    const uint64_t count = recs.size();
    if (fwrite(&name_len, 4, 1, stdout) != 1 || fwrite(label, 1, name_len, stdout) != name_len ||
        fwrite(&count, 8, 1, stdout) != 1 ||
        fwrite(recs.data(), sizeof(Rec), recs.size(), stdout) != recs.size()) {
        perror("write");
        std::exit(1);
    }
}

#define RUN(OP, P)                                                                           \
    run(#OP, P, [](float x, const Param<float> &p) { return OP##_fwd(x, p); },              \
        [](float x, const Param<float> &p) { return OP##_grad(x, p); },                      \
        [](double x, const Param<double> &p) { return OP##_fwd(x, p); },                     \
        [](double x, const Param<double> &p) { return OP##_grad(x, p); })

int main() {
    // Every 1021st f32 bit pattern (all magnitudes, both signs), a dense sweep of the
    // interesting range, and special values.
    for (uint64_t b = 0; b < (1ull << 32); b += 1021) {
        const uint32_t u = (uint32_t)b;
        float f;
        memcpy(&f, &u, 4);
        xs.push_back(f);
    }
    for (float x = -120.0f; x <= 120.0f; x += 0.000917f) xs.push_back(x);
    const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 3.4e38f,
                             -3.4e38f, 1e-6f, -1e-6f, -7.06f, -0.7518f, -0.7522f, -1.1924f};
    for (float v : special) xs.push_back(v);
    // The float derivative zeros (functions.cuh, "float derivative zeros"): the 2049 floats
    // centred on each zero x0, and 129 across each edge of its |x - x0| <= 0.5 polynomial window.
    const float zeros[] = {GELU_ZERO_X0_HI, GELU_TANH_ZERO_X0_HI, SILU_ZERO_X0_HI,
                           MISH_ZERO_X0_HI};
    for (float z : zeros) {
        push_around(z, 1024);
        push_around(z - 0.5f, 64);
        push_around(z + 0.5f, 64);
    }

    RUN(relu, 0.0);
    RUN(leaky_relu, 0.01);
    RUN(leaky_relu, -0.5);
    RUN(gelu, 0.0);
    RUN(gelu_tanh, 0.0);
    RUN(silu, 0.0);
    RUN(softplus, 1.0);
    RUN(softplus, 10.0);
    RUN(softplus, 0.1);
    RUN(softplus, 1e-3);
    RUN(softplus, 1e3);
    RUN(softplus_approx, 0.0);
    RUN(elu, 1.0);
    RUN(elu, 1.6732632423543772);
    RUN(elu, 0.0);
    RUN(srelu, 1.0);
    RUN(srelu, 0.0);
    RUN(mish, 0.0);
    RUN(squareplus, 4.0);
    RUN(squareplus, 0.0);
    RUN(squareplus, 1e-3);
    RUN(squareplus, 1e-30);
    RUN(squareplus, 1e6);
    fflush(stdout);
    return 0;
}
