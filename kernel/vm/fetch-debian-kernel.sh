#!/bin/sh
# Downloads one of Debian's kernels with its headers and extracts them into a folder: never installed into this
# machine's /boot (apt-get download + dpkg-deb -x).
#
# usage: fetch-debian-kernel.sh SERIES OUT_DIR
#   SERIES   6.1 (bookworm's kernel) or 6.12 (bookworm-security's)
#   OUT_DIR  receives root/ (the extracted packages), kernel.env and packages.txt; written under OUT_DIR.part
# The newest ABI of the series that apt knows is used: `fetch-debian-kernel.sh SERIES --resolve` prints it.
set -eu
series=$1
out=$2
resolve() {
	case "$1" in
	6.1) apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -n1 ;;
	6.12) apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[^ ]*-amd64\)-unsigned .*/\1/p' | sort -V | tail -n1 ;;
	*) echo "unknown series $1 (expected 6.1 or 6.12)" >&2; return 2 ;;
	esac
}
abi=$(resolve "$series")
if [ -z "$abi" ]; then
	echo "hmm-lens: apt knows no linux-image for $series; run apt-get update (bookworm and bookworm-security must be in the sources)" >&2
	exit 1
fi
if [ "$out" = "--resolve" ]; then
	echo "$abi"
	exit 0
fi
common=$(echo "$abi" | sed 's/-amd64$/-common/')
case "$series" in
6.1) kbuild=linux-kbuild-6.1 ;;
*) kbuild=linux-kbuild-$(echo "$abi" | sed 's/-amd64$//') ;;
esac
pkgs="linux-image-$abi-unsigned linux-headers-$abi linux-headers-$common $kbuild"
part="$out.part"
rm -rf "$part"
mkdir -p "$part/debs" "$part/root"
cd "$part/debs"
echo "hmm-lens: downloading $pkgs" >&2
# apt-get download writes as the _apt user when it can; a root-only folder makes it fall back (with a warning)
apt-get download -q $pkgs 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
for p in $pkgs; do
	ls "$p"_*.deb >/dev/null 2>&1 || { echo "hmm-lens: could not download $p" >&2; exit 1; }
done
for f in *.deb; do dpkg-deb -x "$f" "$part/root"; done
ls *.deb > "$part/packages.txt"
rm -rf "$part/debs"
cat > "$part/kernel.env" <<ENV
KERNEL_ID=debian-$series
KERNEL_RELEASE=$abi
VMLINUZ=root/boot/vmlinuz-$abi
KDIR=root/usr/src/linux-headers-$abi
MODDIR=root/lib/modules/$abi
ENV
rm -rf "$out"
mv "$part" "$out"
echo "hmm-lens: debian-$series ($abi) ready in $out" >&2
