#!/bin/sh
# Builds the devpriv-6.1 kernel: Debian's linux-source-6.1 with `make tinyconfig` plus devpriv-6.1.config
# (DEVICE_PRIVATE, TEST_HMM=m, and what the executor's steps need), and the kernel's own hmm-tests selftest.
#
# usage: build-devpriv-kernel.sh SOURCE_TARBALL OUT_DIR
#   SOURCE_TARBALL  linux-source-6.1.tar.xz, extracted from Debian's linux-source-6.1 package
#   OUT_DIR         receives linux/ (source and build tree, for out-of-tree modules), bzImage, test_hmm.ko,
#                   hmm-tests and kernel.env; written under OUT_DIR.part and renamed when complete
# About 8 minutes on 2 cores, once: the caller caches OUT_DIR by source version and config.
set -eu
tarball=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
part="$out.part"
rm -rf "$part"
mkdir -p "$part"
echo "hmm-lens: extracting $(basename "$tarball")" >&2
tar -xJf "$tarball" -C "$part"
mv "$part"/linux-source-* "$part/linux"
cd "$part/linux"
echo "hmm-lens: configuring (tinyconfig + devpriv-6.1.config)" >&2
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$here/devpriv-6.1.config" >/dev/null
make -s olddefconfig >/dev/null
missing=""
for opt in $(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$here/devpriv-6.1.config"); do
	grep -qx "$opt" .config || missing="$missing $opt"
done
if [ -n "$missing" ]; then
	echo "hmm-lens: these options did not stick after olddefconfig:$missing" >&2
	exit 1
fi
echo "hmm-lens: building bzImage and modules with $jobs jobs (about 8 minutes on 2 cores)" >&2
make -s -j"$jobs" bzImage modules
make -s headers_install
cp arch/x86/boot/bzImage "$part/bzImage"
cp lib/test_hmm.ko "$part/test_hmm.ko"
release=$(cat include/config/kernel.release)
echo "hmm-lens: building the hmm-tests selftest (static)" >&2
selftests=tools/testing/selftests
[ -f "$selftests/vm/hmm-tests.c" ] && dir="$selftests/vm" || dir="$selftests/mm"
gcc -static -O2 -Wall -I"$selftests" -I. -Itools/include/uapi -isystem usr/include \
	-o "$part/hmm-tests" "$dir/hmm-tests.c" -lpthread 2>"$part/hmm-tests.build.log" || {
	cat "$part/hmm-tests.build.log" >&2
	exit 1
}
cat > "$part/kernel.env" <<ENV
KERNEL_ID=devpriv-6.1
KERNEL_RELEASE=$release
VMLINUZ=bzImage
KDIR=linux
ENV
cd /
rm -rf "$out"
mv "$part" "$out"
echo "hmm-lens: devpriv-6.1 ready in $out" >&2
