#!/usr/bin/env bash
# Sets up a CUDA 13.0 toolchain from NVIDIA's pip wheels so that
# `cargo check -p candle-rectifiers --features cuda` works on a machine with no GPU and no
# system CUDA: the nvidia-cuda-nvcc-cu12 wheels carry no nvcc binary, the CUDA 13 ones do.
#
# Two ways to use it:
#   source .ci/cuda-setup.sh                  # exports into the current shell
#   eval "$(bash .ci/cuda-setup.sh)"          # prints `export ...` lines on stdout
# Either way it also writes those lines to "$CUDA_VENV/cuda-env.sh" (source that file later
# to get the same environment without re-running pip). Progress goes to stderr.
#
# Idempotent: the venv is created once; pip is skipped when a stamp file records that this exact
# wheel list is already installed.
#
# Environment knobs:
#   CUDA_VENV         where the venv goes (default /tmp/cuda-venv)
#   CUDA_COMPUTE_CAP  GPU architecture for nvcc (default 90, the H200 we test on; PTX built
#                     for 90 does not load on older GPUs)
#   PYTHON            interpreter used to create the venv (default python3)
#
# Why each variable:
#   CUDA_HOME / CUDA_PATH / CUDA_ROOT  cudarc's build.rs and cudaforge (candle-kernels' build)
#                     look for the toolkit there; the wheels put it under site-packages/nvidia/cu13.
#   PATH              cudarc runs `nvcc --version` to pick its CUDA version; cudaforge and our
#                     build.rs run nvcc.
#   CUDA_COMPUTE_CAP  there is no nvidia-smi to ask; candle-kernels and our build.rs read it.
#   NVCC_CCBIN        host compiler for nvcc (candle-kernels' libmoe.a is compiled host+device);
#                     only set when the caller has not set it and g++ is found.
# Only checking is supported: linking a binary needs `libX.so -> libX.so.13` symlinks in
# $CUDA_HOME/lib and a stub libcuda.so (there is no driver), and such a binary needs
# libcuda.so.1 at run time (gpu/build.sh does both).

# When sourced, do not leak `set -e` etc. into the caller's shell: run the work in a function
# and use explicit error checks.
_cuda_setup_main() {
    local venv="${CUDA_VENV:-/tmp/cuda-venv}"
    local py="${PYTHON:-python3}"
    local cap="${CUDA_COMPUTE_CAP:-90}"
    local wheels=(
        "nvidia-cuda-nvcc==13.0.88"
        "nvidia-cuda-runtime==13.0.*"
        "nvidia-cuda-crt==13.0.*"
        "nvidia-nvvm==13.0.*"
        "nvidia-cuda-nvrtc==13.0.*"
        "nvidia-cuda-cccl"
        "nvidia-curand"
        "nvidia-cublas<13.5"
    )
    local stamp="$venv/.rectifiers-cuda-wheels"
    local want="${wheels[*]}"

    if [ ! -x "$venv/bin/python" ]; then
        echo "cuda-setup: creating venv $venv" >&2
        "$py" -m venv "$venv" >&2 || { echo "cuda-setup: venv creation failed" >&2; return 1; }
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "cuda-setup: pip install ${wheels[*]}" >&2
        "$venv/bin/python" -m pip install --disable-pip-version-check -q "${wheels[@]}" >&2 \
            || { echo "cuda-setup: pip install failed" >&2; return 1; }
        printf '%s' "$want" > "$stamp"
    else
        echo "cuda-setup: wheels already installed in $venv" >&2
    fi

    local home
    home="$("$venv/bin/python" -c 'import os, nvidia; print(os.path.join(list(nvidia.__path__)[0], "cu13"))')" \
        || { echo "cuda-setup: cannot locate the nvidia package in $venv" >&2; return 1; }
    if [ ! -x "$home/bin/nvcc" ]; then
        echo "cuda-setup: $home/bin/nvcc missing (wheel layout changed?)" >&2
        return 1
    fi

    local ccbin_line=""
    if [ -z "${NVCC_CCBIN:-}" ] && command -v g++ >/dev/null 2>&1; then
        ccbin_line="export NVCC_CCBIN=$(command -v g++)"
    fi

    local envfile="$venv/cuda-env.sh"
    {
        echo "export CUDA_HOME=$home"
        echo "export CUDA_PATH=$home"
        echo "export CUDA_ROOT=$home"
        # Prepend once, so sourcing again does not grow PATH.
        echo "case \":\$PATH:\" in *\":$home/bin:\"*) ;; *) export PATH=\"$home/bin:\$PATH\" ;; esac"
        echo "export CUDA_COMPUTE_CAP=$cap"
        if [ -n "$ccbin_line" ]; then echo "$ccbin_line"; fi
    } > "$envfile"
    echo "cuda-setup: environment written to $envfile" >&2
    echo "$envfile"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: export into the caller's shell.
    _cuda_setup_envfile="$(_cuda_setup_main)" && . "$_cuda_setup_envfile" \
        && echo "cuda-setup: $(nvcc --version | tail -n 2 | head -n 1)" >&2
    unset -f _cuda_setup_main
    unset _cuda_setup_envfile
else
    # Executed: print the exports for `eval`.
    set -eu
    _cuda_setup_envfile="$(_cuda_setup_main)"
    cat "$_cuda_setup_envfile"
fi
