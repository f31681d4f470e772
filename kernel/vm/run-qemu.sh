#!/bin/sh
# Boots a prepared kernel with an initramfs from build-initramfs.sh and streams the serial console to stdout.
# The VM's /init powers off when done; QEMU runs with -no-reboot, so it exits then.
#
# usage: run-qemu.sh KERNEL_DIR INITRAMFS
#   KERNEL_DIR  a prepared kernel folder (kernel.env with VMLINUZ, relative to it)
#   INITRAMFS   the .cpio.gz from build-initramfs.sh
# Environment:
#   HMM_VM_TIMEOUT  seconds before the VM is killed (default 900; 0: never)
#   HMM_VM_MEM      guest memory (default 6G: the two 1 GiB hugetlb pages need two free, 1 GiB-aligned
#                   ranges; below 6G, QEMU's PCI hole, the initramfs and early allocations can leave one)
#   HMM_VM_SMP      virtual CPUs (default 1; TCG runs them on one host thread each)
#   HMM_VM_APPEND   extra kernel command line (e.g. hmm.test=panic or hmm.test=hang, read by the VM's /init)
#   HMM_VM_SPM      1 (default): a kernel folder with test_hmm.ko (devpriv-6.1) gets the top 512 MiB of guest RAM
#                   reserved (memmap=512M$ADDR) for test_hmm's DEVICE_COHERENT devices, passed to /init as
#                   hmm.spm=DEV0,DEV1; 0: no reservation (hmm-tests' coherent variants then skip)
#   HMM_VM_CONSOLE  write the serial console to this file instead of stdout. QEMU writes a serial port's output a
#                   byte at a time and drops a byte after a few failed writes: a reader that is a socket (Node's
#                   child-process stdio) fills up and loses bytes; a file never does
#   HMM_VM_PVH      1 (default): boot the kernel uncompressed through its PVH entry when it has one (the
#                   image's payload is extracted once into ~/.cache/hmm-lens/pvh); 0: boot the image as is
#   QEMU            the emulator (default qemu-system-x86_64)
# No KVM is assumed (-accel tcg). The CPU model has pdpe1gb so that 1 GiB hugetlb pages exist, and no la57, so
# user space has the usual 47-bit address space.
set -eu
[ $# -eq 2 ] || { sed -n '2,25s/^# \{0,1\}//p' "$0" >&2; exit 2; }
kernel_dir=$1
initramfs=$2
[ -f "$kernel_dir/kernel.env" ] || { echo "run-qemu: $kernel_dir has no kernel.env" >&2; exit 2; }
[ -f "$initramfs" ] || { echo "run-qemu: no initramfs $initramfs" >&2; exit 2; }
VMLINUZ=""
KERNEL_ID=""
KERNEL_RELEASE=""
. "$kernel_dir/kernel.env"
kernel="$kernel_dir/$VMLINUZ"
[ -f "$kernel" ] || { echo "run-qemu: no kernel image $kernel" >&2; exit 2; }

# Under TCG the kernel's own decompressor is slow: Debian 6.1's XZ image spends about 4 s there. A kernel
# built with CONFIG_PVH boots just as well from its uncompressed ELF image, which QEMU enters through the
# PVH note; the ELF is the image's payload, extracted with xz/zstd/gzip and checked with readelf.
pvh_extract() {
	img=$1
	out=$2
	command -v readelf >/dev/null 2>&1 || return 1
	for fmt in xz zstd gzip; do
		case $fmt in
		xz) magic=$(printf '\3757zXZ') ;;
		zstd) magic=$(printf '\050\265\057\375') ;;
		gzip) magic=$(printf '\037\213\010') ;;
		esac
		command -v $fmt >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -obUaF "$magic" "$img" | cut -d: -f1 | head -n 3); do
			tail -c +$((off + 1)) "$img" | $fmt -dcq > "$out.$$.tmp" 2>/dev/null
			if [ "$(head -c 4 "$out.$$.tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
				readelf -n "$out.$$.tmp" 2>/dev/null | grep -q 'Xen.*0x00000012\|PHYS32_ENTRY'; then
				mv "$out.$$.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.$$.tmp"
	return 1
}

if [ "${HMM_VM_PVH:-1}" = 1 ]; then
	cache=${HMM_LENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hmm-lens}/pvh
	sum=$(cksum < "$kernel" | cut -d' ' -f1)
	elf="$cache/${KERNEL_ID:-kernel}-${KERNEL_RELEASE:-unknown}-$sum.elf"
	if [ -s "$elf" ]; then
		kernel=$elf
	elif [ ! -e "$elf.none" ]; then
		mkdir -p "$cache"
		if pvh_extract "$kernel" "$elf"; then
			kernel=$elf
		else
			# remember that this image has no PVH entry
			: > "$elf.none"
		fi
	fi
fi

append="console=ttyS0 quiet panic=-1 transparent_hugepage=madvise"
append="$append hugepagesz=1G hugepages=2 hugepagesz=2M hugepages=4"

# test_hmm's two DEVICE_COHERENT devices each map 256 MiB of "specific purpose memory" at spm_addr_dev0/1 with
# memremap_pages(), which wants real memory that is not System RAM. memmap=512M$ADDR turns the top 512 MiB of the
# guest's RAM into an e820 "reserved" range (its struct pages are only created when test_hmm maps it). QEMU's pc
# machine puts RAM at [0, 3 GiB) and [4 GiB, 1 GiB + MEM) when MEM >= 3.5 GiB; the top is far from the initramfs
# (loaded below 3 GiB) and from the 1 GiB hugetlb pages, which go below it.
mem=${HMM_VM_MEM:-6G}
if [ "${HMM_VM_SPM:-1}" = 1 ] && [ -f "$kernel_dir/test_hmm.ko" ]; then
	case $mem in
	*[Gg]) mem_mib=${mem%?}; unit=1024 ;;
	*[Mm]) mem_mib=${mem%?}; unit=1 ;;
	*) mem_mib=$mem; unit=1 ;;
	esac
	case $mem_mib in
	'' | *[!0-9]*) mem_mib=0 ;;
	*) mem_mib=$((mem_mib * unit)) ;;
	esac
	if [ "$mem_mib" -eq 0 ]; then
		echo "run-qemu: cannot read HMM_VM_MEM=$mem (write e.g. 6G or 6656M): no coherent memory for test_hmm" >&2
	elif [ "$mem_mib" -ge 3584 ]; then
		spm=$(((mem_mib + 1024 - 512) * 1048576))
		append="$append memmap=512M\$$(printf '0x%x' "$spm")"
		append="$append hmm.spm=$(printf '0x%x,0x%x' "$spm" $((spm + 268435456)))"
	else
		echo "run-qemu: HMM_VM_MEM=$mem: below 3.5 GiB there is no RAM above 4 GiB for test_hmm's coherent memory" >&2
	fi
fi
append="$append ${HMM_VM_APPEND:-}"

timeout_s=${HMM_VM_TIMEOUT:-900}
serial=stdio
[ -n "${HMM_VM_CONSOLE:-}" ] && serial="file:$HMM_VM_CONSOLE"
set -- "${QEMU:-qemu-system-x86_64}" \
	-accel tcg -cpu qemu64,+pdpe1gb -smp "${HMM_VM_SMP:-1}" -m "$mem" \
	-nographic -nodefaults -no-user-config -serial "$serial" -monitor none -net none \
	-no-reboot \
	-kernel "$kernel" -initrd "$initramfs" -append "$append"
if [ "$timeout_s" -gt 0 ]; then
	exec timeout --foreground -k 5 "$timeout_s" "$@"
fi
exec "$@"
