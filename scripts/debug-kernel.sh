#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a 6.1 debug kernel from Debian's linux-source-6.1 for the same VM:
# KASAN, lockdep, kmemleak, UBSAN, atomic-sleep and net refcount checks, with
# everything the runner and the tests need built in (9p, virtio, overlay,
# veth, netem, tun, ftrace), since the guest's /lib/modules is the host's.
# Cached outside the clone, keyed by the source version and this config, so
# only the first run pays (about 17 minutes on 2 cores). Prints the path of
# the build tree; bzImage is arch/x86/boot/bzImage in it and it is the KDIR
# for the modules.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
"$TOP/scripts/deps.sh" > /dev/null
apt_need="bc bison flex libssl-dev libelf-dev dwarves xz-utils"
missing=""
for p in $apt_need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
fi

OPTS="
KASAN=y KASAN_GENERIC=y KASAN_INLINE=y
PROVE_LOCKING=y DEBUG_LOCKDEP=n LOCKDEP=y DEBUG_SPINLOCK=y DEBUG_MUTEXES=y
DEBUG_ATOMIC_SLEEP=y DEBUG_KMEMLEAK=y DEBUG_KMEMLEAK_AUTO_SCAN=n
UBSAN=y UBSAN_BOUNDS=y DEBUG_NET=y NET_DEV_REFCNT_TRACKER=y NET_NS_REFCNT_TRACKER=y
DEBUG_OBJECTS=y DEBUG_OBJECTS_TIMERS=y DEBUG_LIST=y SOFTLOCKUP_DETECTOR=y DETECT_HUNG_TASK=y
NET_9P=y NET_9P_VIRTIO=y 9P_FS=y 9P_FS_POSIX_ACL=y NETFS_SUPPORT=y FSCACHE=y OVERLAY_FS=y
VIRTIO=y VIRTIO_PCI=y VIRTIO_NET=y
NET_NS=y VETH=y TUN=y NET_SCH_NETEM=y NET_SCHED=y NET_CLS_U32=y NET_SCH_TBF=y
FTRACE=y FUNCTION_TRACER=y FUNCTION_GRAPH_TRACER=y DYNAMIC_FTRACE=y KPROBES=y
MODULES=y MODULE_UNLOAD=y MODULE_FORCE_UNLOAD=n CRC32=y
IP_ADVANCED_ROUTER=y PACKET=y UNIX=y INET=y
DEBUG_INFO_NONE=y
"
CACHE=${AF_EDU_CACHE:-$HOME/.cache/af_edu}
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(printf '%s\n%s\n' "$ver" "$OPTS" | md5sum | cut -c1-10)
DIR=$CACHE/debug-kernel-$key
SRC=$DIR/linux-source-6.1
if [ -f "$DIR/done" ]; then
	echo "$SRC"
	exit 0
fi
mkdir -p "$DIR"
[ -d "$SRC" ] || tar -xf /usr/src/linux-source-6.1.tar.xz -C "$DIR"
cd "$SRC"
make -s defconfig >&2
make -s kvm_guest.config >&2
for o in $OPTS; do
	./scripts/config --file .config $(case "${o#*=}" in
		y) echo "--enable ${o%%=*}" ;;
		n) echo "--disable ${o%%=*}" ;;
		*) echo "--set-val ${o%%=*} ${o#*=}" ;;
	esac)
done
make -s olddefconfig >&2
nice make -s -j"$(nproc)" bzImage modules_prepare >&2
make -s -j"$(nproc)" modules >&2 || true
touch "$DIR/done"
echo "$SRC"
