#!/bin/sh
# Builds the HMM Lens VM's initramfs: busybox-static, kernel/vm/init, the hmm_probe module, the hmm-exec executor
# and the programs to run; optionally extra kernel modules (zram for swap on Debian's kernels) and the kernel's own
# HMM selftest (test_hmm.ko + hmm-tests).
#
# usage: build-initramfs.sh [options] OUT.cpio.gz
#   --kernel DIR        a prepared kernel folder (its kernel.env: KERNEL_ID, KERNEL_RELEASE, MODDIR for modules)
#   --probe KO          hmm_probe.ko built for that kernel (required)
#   --exec BIN          the static hmm-exec binary (required)
#   --programs DIR      *.prog files, run in name order (optional: without it only the probe checks run)
#   --module NAME       a module of the kernel's MODDIR to load at boot, with its dependencies, in order
#                       (repeatable; e.g. --module zram on Debian's kernels, where zram is a module)
#   --selftest          run the kernel's own hmm-tests: test_hmm.ko and hmm-tests from the kernel folder
#   --test-hmm KO --hmm-tests BIN    the same with explicit files
#   --timeout SECONDS   per-program timeout of hmm-exec (default 120)
#   --device-mib MIB    hmm_probe's device-private memory per device (default 64)
#   --zram-mib MIB      zram swap size (default 256; 0: no swap)
#   --busybox PATH      busybox-static binary (default: busybox on PATH, which must be static)
# Needs: busybox-static, cpio, gzip; xz/zstd only for compressed modules.
set -eu

usage() {
	sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
kernel_dir=""
probe=""
exec_bin=""
programs=""
modules=""
selftest=0
test_hmm=""
hmm_tests=""
timeout=120
device_mib=64
zram_mib=256
busybox=""
out=""

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel_dir=$2; shift 2 ;;
	--probe) probe=$2; shift 2 ;;
	--exec) exec_bin=$2; shift 2 ;;
	--programs) programs=$2; shift 2 ;;
	--module) modules="$modules $2"; shift 2 ;;
	--selftest) selftest=1; shift ;;
	--test-hmm) test_hmm=$2; shift 2 ;;
	--hmm-tests) hmm_tests=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--device-mib) device_mib=$2; shift 2 ;;
	--zram-mib) zram_mib=$2; shift 2 ;;
	--busybox) busybox=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "build-initramfs: unknown option $1" >&2; usage ;;
	*) [ -z "$out" ] || usage; out=$1; shift ;;
	esac
done
[ -n "$out" ] && [ -n "$probe" ] && [ -n "$exec_bin" ] || usage

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

# kernel.env values (paths relative to the kernel folder)
KERNEL_ID=unknown
KERNEL_RELEASE=""
MODDIR=""
if [ -n "$kernel_dir" ]; then
	[ -f "$kernel_dir/kernel.env" ] || die "$kernel_dir has no kernel.env"
	. "$kernel_dir/kernel.env"
fi

if [ -z "$busybox" ]; then
	busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
fi
# a dynamically linked binary has a program interpreter (checked when binutils' readelf is there)
if command -v readelf >/dev/null 2>&1 && readelf -l "$busybox" | grep -q 'program interpreter'; then
	die "$busybox is dynamically linked; the VM needs busybox-static"
fi
[ -f "$probe" ] || die "no probe module $probe"
[ -x "$exec_bin" ] || die "no executor $exec_bin"

stage=$(mktemp -d "${TMPDIR:-/tmp}/hmm-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/bin" "$stage/sbin" "$stage/etc" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" \
	"$stage/root" "$stage/progs" "$stage/lib/hmm/modules" "$stage/lib/hmm/selftest"

cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"
cp "$probe" "$stage/lib/hmm/hmm_probe.ko"
cp "$exec_bin" "$stage/bin/hmm-exec"
chmod 755 "$stage/bin/hmm-exec"

if [ -n "$programs" ]; then
	[ -d "$programs" ] || die "no programs folder $programs"
	for p in "$programs"/*.prog; do
		[ -e "$p" ] || continue
		cp "$p" "$stage/progs/"
	done
fi

# --- modules with their dependencies, in load order -------------------------------------------------------------
moddir=""
[ -n "$MODDIR" ] && moddir="$kernel_dir/$MODDIR"
loaded=" "
seq_no=100

find_module() {
	# module names use '_', file names may use '-'
	dashed=$(echo "$1" | tr _ -)
	find "$moddir" \( -name "$1.ko" -o -name "$1.ko.*" -o -name "$dashed.ko" -o -name "$dashed.ko.*" \) \
		2>/dev/null | head -n1
}

unpack_module() {
	case "$1" in
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -dcq "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

add_module() {
	local name file tmp deps d
	name=$1
	case "$loaded" in *" $name "*) return 0 ;; esac
	if grep -qs "/$name.ko\$\|/$(echo "$name" | tr _ -).ko\$" "$moddir/modules.builtin"; then
		loaded="$loaded$name "
		return 0
	fi
	file=$(find_module "$name")
	[ -n "$file" ] || die "module $name not found under $moddir"
	tmp="$stage/lib/hmm/modules/.$name.ko"
	unpack_module "$file" > "$tmp"
	deps=$(tr '\0' '\n' < "$tmp" | sed -n 's/^depends=//p' | head -n1 | tr ',' ' ')
	loaded="$loaded$name "
	for d in $deps; do
		add_module "$d"
	done
	# dependencies first: they got the lower numbers
	seq_no=$((seq_no + 1))
	mv "$tmp" "$stage/lib/hmm/modules/$seq_no-$name.ko"
}

if [ -n "$modules" ]; then
	[ -n "$moddir" ] && [ -d "$moddir" ] || die "--module needs a kernel folder with MODDIR"
	for m in $modules; do
		add_module "$m"
	done
fi

# --- the kernel's own selftest ------------------------------------------------------------------------------------
if [ "$selftest" = 1 ]; then
	[ -n "$test_hmm" ] || test_hmm="$kernel_dir/test_hmm.ko"
	[ -n "$hmm_tests" ] || hmm_tests="$kernel_dir/hmm-tests"
fi
if [ -n "$test_hmm$hmm_tests" ]; then
	[ -f "$test_hmm" ] || die "no test_hmm.ko at $test_hmm"
	[ -x "$hmm_tests" ] || die "no hmm-tests at $hmm_tests"
	cp "$test_hmm" "$stage/lib/hmm/selftest/test_hmm.ko"
	cp "$hmm_tests" "$stage/lib/hmm/selftest/hmm-tests"
fi

cat > "$stage/etc/hmm.conf" <<CONF
HMM_KERNEL_ID='$KERNEL_ID'
HMM_KERNEL_RELEASE='$KERNEL_RELEASE'
HMM_TIMEOUT='$timeout'
HMM_DEVICE_MIB='$device_mib'
HMM_ZRAM_MIB='$zram_mib'
CONF

out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out_abs.tmp"
mv "$out_abs.tmp" "$out_abs"
echo "build-initramfs: $out ($(wc -c < "$out_abs") bytes; kernel $KERNEL_ID" \
	"$(ls "$stage/progs" | wc -l) programs, modules:$(ls "$stage/lib/hmm/modules" | tr '\n' ' '))" >&2
