# tests/integ/netem_vm.sh - sourced after netns.sh by tests that need a
# real tc netem hop on a kernel that has no sch_netem of its own.
#
# A small virtual machine routes between two hosts of the test: the
# test's own network namespace (the "node" side, where chorusd runs) and
# a child namespace (the "client" side, entered with in_clients).  The
# VM boots Debian's own kernel, which has sch_netem as a module, from an
# initramfs made here of busybox, tc and the few modules it needs, and
# puts netem on its interface towards the node, so every datagram from a
# client to the node crosses the impairment once.  Nothing is downloaded:
# the kernel, qemu and busybox come from the packages .ci/run installs.
#
#   client ns  tapc 10.77.1.1 -- c0 10.77.1.2  [VM]  10.77.2.2 n0
#                                                -- tapn 10.77.2.1  test ns
#
# netem_vm_find             sets VM_KERNEL, VM_MODS; 1 with WHY if none
# netem_vm_start NETEM...   boots the VM with "tc qdisc add dev n0 root
#                           netem NETEM..." and waits for it; 1 with WHY
# in_clients CMD...         runs CMD on the client side
# netem_vm_stat FIELD       packets or drops of the VM's netem qdisc so far
#
# The VM runs under qemu's own emulation (TCG), not KVM: on the nested
# virtualisation these machines run on, KVM guests die on instructions the
# host cannot emulate, while TCG boots in about 3 s and forwards a room's
# few hundred datagrams a second without trouble.  It is ended by its PID
# in cleanup_extra.

VM_NODE_ADDR=10.77.2.1
VM_CLIENT_ADDR=10.77.1.1

netem_vm_find() {
	local k v m
	command -v qemu-system-x86_64 >/dev/null ||
		{ WHY="no qemu-system-x86_64"; return 1; }
	[ -x /bin/busybox ] || { WHY="no busybox"; return 1; }
	VM_KERNEL=
	for k in /boot/vmlinuz-*; do
		[ -r "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		m=/lib/modules/$v
		grep -q '/sch_netem\.ko' "$m/modules.dep" 2>/dev/null &&
		    grep -q '/virtio_net\.ko' "$m/modules.dep" &&
		    { VM_KERNEL=$k; VM_MODS=$m; }
	done
	[ -n "$VM_KERNEL" ] ||
		{ WHY="no kernel image with sch_netem and virtio_net in /boot"; return 1; }
}

# vm_mod_order MODULE...: the modules' files, each after its dependencies.
vm_mod_order() {
	local seen=" " out=()
	vm_mod_add() {
		local line dep
		line=$(grep -E "(^|/)$1\.ko[.a-z]*:" "$VM_MODS/modules.dep") || return 0
		case "$seen" in *" ${line%%:*} "*) return 0 ;; esac
		seen="$seen${line%%:*} "
		for dep in ${line#*:}; do
			dep=${dep##*/}
			vm_mod_add "${dep%%.ko*}"
		done
		out+=("${line%%:*}")
	}
	for m in "$@"; do vm_mod_add "$m"; done
	printf '%s\n' "${out[@]}"
}

# vm_initramfs DIR NETEM...: the VM's root file system, as DIR.cpio.
vm_initramfs() {
	local d=$1 f lib
	shift
	mkdir -p "$d"/{bin,sbin,proc,sys,dev,mod,lib64,lib/x86_64-linux-gnu}
	cp /bin/busybox "$d/bin/"
	for f in sh mount ip sleep cat echo insmod; do
		ln -sf busybox "$d/bin/$f"
	done
	cp "$(command -v tc)" "$d/sbin/tc"
	for lib in $(ldd "$(command -v tc)" | grep -o '/[^ ]*'); do
		cp -L "$lib" "$d$lib" 2>/dev/null ||
			{ mkdir -p "$d${lib%/*}"; cp -L "$lib" "$d$lib"; }
	done
	: >"$d/mod/order"
	for f in $(vm_mod_order virtio_pci virtio_net sch_netem); do
		cp "$VM_MODS/$f" "$d/mod/"
		echo "${f##*/}" >>"$d/mod/order"
	done
	cat >"$d/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in \$(cat /mod/order); do insmod /mod/\$m || echo "VM-FAIL insmod \$m"; done
# The NICs by their MAC addresses, whatever the kernel named them.
for n in /sys/class/net/*; do
	case \$(cat \$n/address) in
	52:54:00:77:01:02) ip link set \${n##*/} name c0 ;;
	52:54:00:77:02:02) ip link set \${n##*/} name n0 ;;
	esac
done
ip link set lo up
ip addr add 10.77.1.2/24 dev c0 && ip link set c0 up &&
ip addr add 10.77.2.2/24 dev n0 && ip link set n0 up || echo VM-FAIL ip
echo 1 >/proc/sys/net/ipv4/ip_forward
/sbin/tc qdisc add dev n0 root netem $* || echo VM-FAIL tc
echo VM-READY
while :; do
	echo "VM-STAT \$(/sbin/tc -s -j qdisc show dev n0)"
	sleep 0.5
done
EOF
	chmod 755 "$d/init"
	(cd "$d" && find . | /bin/busybox cpio -o -H newc) >"$d.cpio" 2>/dev/null
}

CLIENT_NS_PID=
VM_PID=
netem_vm_start() {
	local i
	[ -n "${VM_KERNEL:-}" ] || netem_vm_find || return 1
	vm_initramfs "$T_DIR/vmroot" "$@" ||
		{ WHY="cannot make the VM's initramfs"; return 1; }
	# The client side: a namespace held open by a sleeper.
	unshare -n sleep 3600 &
	CLIENT_NS_PID=$!
	NET_PIDS+=("$CLIENT_NS_PID")
	qemu-system-x86_64 -accel tcg -m 160 -smp 1 -nodefaults \
	    -display none -no-reboot -kernel "$VM_KERNEL" \
	    -initrd "$T_DIR/vmroot.cpio" \
	    -append "console=ttyS0 quiet panic=-1 rdinit=/init" \
	    -serial "file:$T_DIR/vm.log" \
	    -netdev tap,id=c,ifname=tapc,script=no,downscript=no \
	    -device virtio-net-pci,netdev=c,mac=52:54:00:77:01:02 \
	    -netdev tap,id=n,ifname=tapn,script=no,downscript=no \
	    -device virtio-net-pci,netdev=n,mac=52:54:00:77:02:02 \
	    >"$T_DIR/qemu.out" 2>&1 &
	VM_PID=$!
	NET_PIDS+=("$VM_PID")
	for i in $(seq 150); do
		ip link show tapn >/dev/null 2>&1 && ip link show tapc \
		    >/dev/null 2>&1 && break
		kill -0 "$VM_PID" 2>/dev/null ||
			{ WHY="qemu failed: $(head -c 300 "$T_DIR/qemu.out")"; return 1; }
		sleep 0.1
	done
	ip link set tapc netns "$CLIENT_NS_PID" &&
	    ip addr add "$VM_NODE_ADDR/24" dev tapn && ip link set tapn up &&
	    ip route add 10.77.1.0/24 via 10.77.2.2 &&
	    in_clients ip link set lo up &&
	    in_clients ip addr add "$VM_CLIENT_ADDR/24" dev tapc &&
	    in_clients ip link set tapc up &&
	    in_clients ip route add default via 10.77.1.2 ||
		{ WHY="cannot set up the taps"; return 1; }
	# Boot: about 3 s emulated here, longer on a loaded machine.
	for i in $(seq 1200); do
		grep -q VM-FAIL "$T_DIR/vm.log" 2>/dev/null &&
			{ WHY="VM: $(grep VM-FAIL "$T_DIR/vm.log" | head -1)"; return 1; }
		grep -q VM-READY "$T_DIR/vm.log" 2>/dev/null && return 0
		kill -0 "$VM_PID" 2>/dev/null ||
			{ WHY="qemu ended: $(head -c 300 "$T_DIR/qemu.out")"; return 1; }
		sleep 0.1
	done
	WHY="the VM did not come up in 120 s"
	return 1
}

in_clients() { nsenter -t "$CLIENT_NS_PID" -n "$@"; }

netem_vm_stat() {
	# The one before the last: the last may be half written.
	grep -a '^VM-STAT \[' "$T_DIR/vm.log" | tail -2 | head -1 | cut -c9- |
	    jq --arg f "$1" '.[] | select(.kind == "netem") | .[$f]'
}
