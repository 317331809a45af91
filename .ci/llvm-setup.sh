#!/usr/bin/env bash
# Lets burn's `cuda` feature link on a machine that cannot download tracel's LLVM bundle, by
# standing Debian's LLVM 22 in for it (see gpu/FINDINGS.md for why this works and its limits):
#
#   source .ci/llvm-setup.sh
#   cargo test -p burn-rectifiers --features cuda --no-run
#
# What it does:
# - `apt-get install llvm-22-dev libpolly-22-dev libzstd-dev` (bookworm-security has LLVM
#   22.1.8; llvm-config lists the static Polly libraries and zstd, which llvm-22-dev does not
#   pull in);
# - makes the directory where tracel-llvm-bundler 23.1.0-4 looks for its bundle,
#   $XDG_DATA_HOME/tracel/tracel-llvm-23.1.0-4, with the "installed" sentinel (its build script
#   then downloads nothing) and a bin/llvm-config that runs Debian's and rewrites the one
#   system library it prints as a path (libz3.so) to `-lz3`, since the bundler keeps only the
#   file stem of a path ("libz3", which the linker cannot find);
# - exports XDG_DATA_HOME (default: target/tracel-data in this checkout), which the bundler's
#   `dirs::data_local_dir()` reads, so nothing is written to ~/.local/share.
#
# Idempotent. Sourced, it does not change the caller's shell options.

_llvm_setup_main() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local data="${XDG_DATA_HOME:-$root/target/tracel-data}"
    local llvm=/usr/lib/llvm-22
    local pkgs=(llvm-22-dev libpolly-22-dev libzstd-dev)
    if [ ! -f "$llvm/lib/libPolly.a" ] || [ ! -x "$llvm/bin/llvm-config" ] \
        || ! ls /usr/lib/x86_64-linux-gnu/libzstd.so >/dev/null 2>&1; then
        echo "llvm-setup: apt-get install ${pkgs[*]}" >&2
        { apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}"; } >&2 \
            || { echo "llvm-setup: apt-get failed" >&2; return 1; }
    fi
    # The bundler's version (tracel-llvm-bundler's TRACEL_LLVM_FULL_VERSION).
    local bundle="$data/tracel/tracel-llvm-23.1.0-4"
    mkdir -p "$bundle/bin" || return 1
    cat > "$bundle/bin/llvm-config" <<EOF
#!/bin/sh
# Debian's llvm-config standing in for tracel's bundle (.ci/llvm-setup.sh).
$llvm/bin/llvm-config "\$@" | sed -e 's#[^ ]*/libz3\.so#-lz3#'
EOF
    chmod +x "$bundle/bin/llvm-config" || return 1
    touch "$bundle/.tracel-llvm-installed" || return 1
    echo "llvm-setup: LLVM $("$llvm/bin/llvm-config" --version) stands in for tracel-llvm" \
        "23.1.0-4 under $data" >&2
    echo "export XDG_DATA_HOME=$data"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    _llvm_setup_export="$(_llvm_setup_main)" && eval "$_llvm_setup_export"
    unset -f _llvm_setup_main
    unset _llvm_setup_export
else
    set -eu
    _llvm_setup_main
fi
