#!/usr/bin/env bash
# pppd sees under l2tpd what it saw under xl2tpd, side by side in one run:
# the xl2tpd.conf, options.xl2tpd and chap-secrets that hwdsl2's
# setup-ipsec-vpn (vpnsetup_ubuntu.sh) writes, unchanged and at their own
# paths, serve an l2tpd LNS (netns lns1) and Debian's xl2tpd LNS (netns
# lns2); one xl2tpd client (netns cli) dials both. Its options file
# contradicts the section: "require chap = yes" against "+mschap-v2", and
# sets "mtu 1280". Then the same with "noauth" in the options file against
# "require authentication = yes". Each round: the same authentication (or
# none), the same MTU and the same first pool address under both daemons.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/dropin-sbs
mkdir -p "$D" /etc/xl2tpd /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns1 cli 10.99.40
vm_netns_pair lns2 cli 10.99.41
vm_ppp_clean_options
vm_ppp_no_scripts

# setup-ipsec-vpn's files, with its defaults filled in.
cat > /etc/xl2tpd/xl2tpd.conf <<'CONF'
[global]
port = 1701

[lns default]
ip range = 192.168.42.10-192.168.42.250
local ip = 192.168.42.1
require chap = yes
refuse pap = yes
require authentication = yes
name = l2tpd
pppoptfile = /etc/ppp/options.xl2tpd
length bit = yes
CONF
cat > /etc/ppp/options.xl2tpd <<'CONF'
+mschap-v2
ipcp-accept-local
ipcp-accept-remote
noccp
auth
mtu 1280
mru 1280
proxyarp
lcp-echo-failure 4
lcp-echo-interval 30
connect-delay 5000
ms-dns 8.8.8.8
ms-dns 8.8.4.4
CONF
printf '"vpnuser" l2tpd "sbs-secret-1" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > /etc/xl2tpd/l2tp-secrets

# The client: one [lac] per LNS, pppd with its own log and the secret from
# chap-secrets (the line above serves the client's answer too).
cat > "$D/cli.conf" <<CONF
[global]
port = 1701
[lac one]
lns = 10.99.40.1
redial = no
name = vpnuser
require authentication = no
pppoptfile = $D/options.one
[lac two]
lns = 10.99.41.1
redial = no
name = vpnuser
require authentication = no
pppoptfile = $D/options.two
CONF
for l in one two; do
    printf 'name vpnuser\nnoauth\nnoccp\ndebug\nnoipdefault\nnodefaultroute\nlogfile %s/pppd-cli-%s.log\n' \
        "$VM_LOGDIR" "$l" > "$D/options.$l"
done

# l2tpd reads the files at their paths with pppd; with the builtin engine
# (the scenario matrix) the same xl2tpd.conf plus the line that selects it,
# in a copy: xl2tpd, reading the original, knows no such line. The options
# file and chap-secrets stay where they are for both.
l2tpd_conf=/etc/xl2tpd/xl2tpd.conf
if [ "$(vm_ppp_engine)" != pppd ]; then
    l2tpd_conf=$D/xl2tpd.conf
    sed "/^\[global\]\$/a $(vm_ppp_engine_conf l2tpd)" /etc/xl2tpd/xl2tpd.conf > "$l2tpd_conf"
    vm_require "the copy is the file plus one line" \
        test "$(diff /etc/xl2tpd/xl2tpd.conf "$l2tpd_conf" | grep -c '^>')" = 1
fi
lns_start() {
    vm_bg l2tpd-lns vm_in lns1 "$B/l2tpd" -D -c "$l2tpd_conf" \
        -p /run/xl2tpd/l2tpd.pid -C /run/xl2tpd/l2tpd.control -S "$D/l2tpd.ctl"
    vm_bg xl2tpd-lns vm_in lns2 xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf \
        -p /run/xl2tpd/lns.pid -C /run/xl2tpd/lns.control
    vm_require "both LNSs listen" vm_wait_for 10 sh -c \
        'ip netns exec lns1 ss -Huln | grep -q ":1701 " && ip netns exec lns2 ss -Huln | grep -q ":1701 "'
}
lns_stop() { vm_stop l2tpd-lns 10; vm_stop xl2tpd-lns 10; }
both_up() { vm_ppp_addr lns1 && vm_ppp_addr lns2 && [ "$(vm_ppp_ifaces cli | wc -l)" = 2 ]; }
mtu_of() { ip -n "$1" -o link show "$(vm_ppp_ifaces "$1" | head -n1)" | sed -n 's/.* mtu \([0-9]*\).*/\1/p'; }
# What the client agreed to authenticate with: the last LCP ConfAck it sent.
auth_of() {
    grep "sent \[LCP ConfAck" "$VM_LOGDIR/pppd-cli-$1.log" | tail -n1 |
        grep -o '<auth [^>]*>' || echo none
}
cli_addr() { # the client's address on the link to LNS $1
    ip -n cli -o -4 addr show | awk -v p="$2" '$4 ~ p {print $4}' | cut -d/ -f1
}
round() { # NAME
    : > "$VM_LOGDIR/pppd-cli-one.log"
    : > "$VM_LOGDIR/pppd-cli-two.log"
    lns_start
    echo "c one" > /run/xl2tpd/cli.control
    echo "c two" > /run/xl2tpd/cli.control
    vm_require "$1: PPP up to both LNSs" vm_wait_for 90 both_up
    local a1 a2
    a1=$(auth_of one) a2=$(auth_of two)
    vm_log "$1: l2tpd: $a1 mtu $(mtu_of lns1); xl2tpd: $a2 mtu $(mtu_of lns2)"
    vm_check_eq "$1: same authentication under both" "$a2" "$a1"
    vm_check_eq "$1: same MTU under both" "$(mtu_of lns2)" "$(mtu_of lns1)"
    vm_check_eq "$1: the options file's mtu 1280 wins" 1280 "$(mtu_of lns1)"
    vm_check_eq "$1: same address on the LNS end" "$(vm_ppp_addr lns2)" "$(vm_ppp_addr lns1)"
    echo "d one" > /run/xl2tpd/cli.control
    echo "d two" > /run/xl2tpd/cli.control
    vm_check "$1: both down" vm_wait_for 30 sh -c '[ -z "$(vm_ppp_ifaces cli)" ]'
    # xl2tpd closes a tunnel whose last call ended and will not dial that
    # [lac] again before its StopCCN is acknowledged: stopping l2tpd before
    # it got it left the next round's "c one" unanswered for 90 s.
    vm_check "$1: l2tpd got the client's StopCCN" vm_wait_for 20 \
        grep -q "StopCCN from peer" "$VM_LOGDIR/l2tpd-lns.log"
    sleep 1 # its acknowledgement on the way
    lns_stop
}

vm_bg xl2tpd-cli vm_in cli xl2tpd -D -c "$D/cli.conf" -s /etc/xl2tpd/l2tp-secrets \
    -p /run/xl2tpd/cli.pid -C /run/xl2tpd/cli.control
vm_require "client FIFO" vm_wait_for 10 test -p /run/xl2tpd/cli.control

round "setup-ipsec-vpn's files"
vm_check "l2tpd answered the login itself, from chap-secrets" \
    grep -q "user 'vpnuser' from 10.99.40.2: .* login accepted (/etc/ppp/chap-secrets:1)" \
    "$VM_LOGDIR/l2tpd-lns.log"

# "noauth" in the file after the section's "require authentication = yes".
sed -i 's/^auth$/noauth/' /etc/ppp/options.xl2tpd
round "noauth in the options file"
vm_check_eq "noauth from the file: no authentication under l2tpd" none "$(auth_of one)"
vm_check "l2tpd logged no login" sh -c "! grep -q 'login accepted' '$VM_LOGDIR/l2tpd-lns.log'"

vm_stop xl2tpd-cli 10
