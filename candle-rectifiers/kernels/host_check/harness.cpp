// Evaluates every elementwise kernel formula (float and double paths) on a sweep of f32 inputs
// and writes one binary file per (function, parameter) into the directory given as argv[1]:
// records {f32 x, f32 f, f32 f', f32 pad, f64 f, f64 f'}, the f64 ones at (double)x.
// src/main.rs compares them with rectifiers-core. See README.md.
#include "shim.h"
#include "../math.cuh"
#include "../functions.cuh"
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

struct Rec {
    float x, y, g, pad;
    double y64, g64;
};

static std::string out_dir;
static std::vector<float> xs;

template<typename F1, typename G1, typename F2, typename G2>
static void run(const char *name, double param, F1 f32, G1 g32, F2 f64, G2 g64) {
    const Param<float> pf = make_param<float>(param);
    const Param<double> pd = make_param<double>(param);
    std::vector<Rec> recs(xs.size());
    for (size_t i = 0; i < xs.size(); i++) {
        const float x = xs[i];
        recs[i] = {x, f32(x, pf), g32(x, pf), 0.0f, f64((double)x, pd), g64((double)x, pd)};
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s_%.17g.bin", out_dir.c_str(), name, param);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(recs.data(), sizeof(Rec), recs.size(), fp) != recs.size()) {
        perror(path);
        std::exit(1);
    }
    fclose(fp);
}

#define RUN(OP, P)                                                                           \
    run(#OP, P, [](float x, const Param<float> &p) { return OP##_fwd(x, p); },              \
        [](float x, const Param<float> &p) { return OP##_grad(x, p); },                      \
        [](double x, const Param<double> &p) { return OP##_fwd(x, p); },                     \
        [](double x, const Param<double> &p) { return OP##_grad(x, p); })

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
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
    printf("%zu inputs per function\n", xs.size());
    return 0;
}
