# shellcheck shell=bash
# strongSwan helpers for the L2TP/IPsec VM scenarios; source after lib.sh:
#
#   source "$(dirname "$0")/../lib.sh"
#   source "$(dirname "$0")/../ipsec.sh"
#
# One charon per network namespace. charon's pid file and its default vici
# socket live at fixed paths under /run, so each one runs in a mount
# namespace of its own with a private tmpfs on /run, reads a private
# strongswan.conf (STRONGSWAN_CONF) and serves vici on a socket in its own
# directory, /tmp/ipsec/NS/, where its swanctl.conf, keys and log live too.
#
#   vm_ipsec_modules                  load the kernel's ESP and XFRM modules, warm them up
#   vm_ipsec_start NS...              start charon in each NS (log $VM_LOGDIR/charon-NS.log)
#   vm_swanctl NS ARGS...             swanctl against NS's charon
#   vm_ipsec_load NS                  load /tmp/ipsec/NS/swanctl.conf (conns, secrets)
#   vm_ipsec_conf NS ROLE AUTH PEER [PROPOSALS [ESP_PROPOSALS]]
#                                     write NS's swanctl.conf for L2TP/IPsec:
#                                     IKEv1 transport mode for udp/1701; ROLE server
#                                     (responder, any client port) or client
#                                     (initiator to PEER, from udp/1701); AUTH psk
#                                     or cert (see vm_ipsec_certs); the local
#                                     traffic selector is VM_IPSEC_LOCAL_TS if set;
#                                     VM_IPSEC_CHILD_EXTRA (lines) goes into the child
#   vm_ipsec_certs                    a CA and certificates "server" and "client"
#                                     (openssl) under /tmp/ipsec/pki
#   vm_ipsec_up NS [CHILD]            initiate CHILD (default l2tp), wait for it
#   vm_ipsec_ike_algs NS              algorithms of NS's first IKE_SA, e.g.
#                                     AES_CBC-256/HMAC_SHA1_96/MODP_1024
#   vm_ipsec_sas NS                   the installed CHILD_SAs of NS, one a line:
#                                     "NAME REQID SPI_IN SPI_OUT BYTES_IN BYTES_OUT ENCAP"
#   vm_capture_start NS IF NAME       tcpdump on IF in NS into /tmp/ipsec/NAME.pcap
#   vm_capture_stop NAME              stop it (flushes the file)
#   vm_capture_count NAME FILTER      packets in the capture that match FILTER
#
# The proposals are those the built-in clients of Windows 10/11, macOS and
# iOS offer for L2TP/IPsec (IKEv1 main mode, PSK or certificates), see
# VM_IPSEC_IKE and VM_IPSEC_ESP below; docs/L2TP-IPSEC.md explains them.

VM_IPSEC_DIR=/tmp/ipsec
# IKE (phase 1): AES-CBC 256/128 with SHA2-256 or SHA1, MODP2048 (macOS,
# iOS, Windows 10/11) and MODP1024 (what Windows offers by default and older
# Android and macOS use).
VM_IPSEC_IKE=aes256-sha256-modp2048,aes128-sha256-modp2048,aes256-sha1-modp2048,aes128-sha1-modp2048,aes256-sha1-modp1024,aes128-sha1-modp1024
# ESP (phase 2), no PFS group: the built-in clients offer none.
VM_IPSEC_ESP=aes256-sha1,aes128-sha1,aes256-sha256,aes128-sha256
VM_IPSEC_PSK=${VM_IPSEC_PSK:-vm-ipsec-psk-0123456789}

vm_ipsec_modules() {
    vm_modprobe xfrm_user esp4 authenc echainiv && vm_ipsec_warm
}

vm__ipsec_uri() { echo "unix://$VM_IPSEC_DIR/$1/charon.vici"; }

# vm_ipsec_start NS...: a charon of its own in each netns NS (started
# together: each takes seconds to come up under emulation).
vm_ipsec_start() {
    local ns
    for ns in "$@"; do vm__ipsec_start "$ns"; done
    for ns in "$@"; do
        vm_wait_for 60 test -S "$VM_IPSEC_DIR/$ns/charon.vici" || {
            echo "charon in $ns did not open its vici socket" >&2
            return 1
        }
    done
}

vm__ipsec_start() {
    local ns=$1 d=$VM_IPSEC_DIR/$1
    mkdir -p "$d"
    cat > "$d/strongswan.conf" <<CONF
# written by tests/vm/ipsec.sh for netns $ns
charon {
    # Only what L2TP/IPsec needs; the other installed plugins stay out.
    load = random nonce aes sha1 sha2 md5 hmac gmp pem pkcs1 pkcs8 x509 pubkey constraints revocation kernel-netlink socket-default vici
    install_routes = no
    install_virtual_ip = no
    retransmit_tries = 3
    plugins {
        vici {
            socket = $(vm__ipsec_uri "$ns")
        }
    }
    filelog {
        stderr {
            default = 1
            ike = 1
            cfg = 1
            time_format = %T
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
}
swanctl {
    load = random nonce aes sha1 sha2 md5 hmac gmp pem pkcs1 pkcs8 x509 pubkey
}
CONF
    vm_bg "charon-$ns" vm_in "$ns" unshare -m --propagation private sh -c \
        "mount -t tmpfs -o mode=0755 tmpfs /run && STRONGSWAN_CONF=$d/strongswan.conf exec /usr/lib/ipsec/charon"
}

vm_swanctl() {
    local ns=$1; shift
    STRONGSWAN_CONF=$VM_IPSEC_DIR/$ns/strongswan.conf swanctl "$@" --uri "$(vm__ipsec_uri "$ns")"
}

vm_ipsec_load() {
    local ns=$1
    vm_swanctl "$ns" --load-all --noprompt --file "$VM_IPSEC_DIR/$ns/swanctl.conf"
}

# vm_ipsec_certs: a CA, a server and a client certificate with their DNS
# names as subjectAltName; idempotent. RSA 1024: a 2048-bit key takes tens
# of seconds to make under emulation, and the key size is not under test.
vm_ipsec_certs() {
    local p=$VM_IPSEC_DIR/pki n
    [[ -f $p/client.pem ]] && return 0
    mkdir -p "$p"
    openssl req -x509 -newkey rsa:1024 -nodes -days 30 -subj "/CN=vm test CA" \
        -keyout "$p/ca.key" -out "$p/ca.pem" 2>/dev/null || return 1
    for n in server client; do
        openssl req -newkey rsa:1024 -nodes -subj "/CN=$n.vm.test" \
            -keyout "$p/$n.key" -out "$p/$n.csr" 2>/dev/null || return 1
        printf 'subjectAltName=DNS:%s.vm.test\nextendedKeyUsage=serverAuth,clientAuth\n' "$n" > "$p/$n.ext"
        openssl x509 -req -in "$p/$n.csr" -CA "$p/ca.pem" -CAkey "$p/ca.key" -CAcreateserial \
            -days 30 -extfile "$p/$n.ext" -out "$p/$n.pem" 2>/dev/null || return 1
    done
}

# vm_ipsec_conf NS ROLE AUTH PEER [IKE [ESP]]: NS's swanctl.conf, one
# connection "l2tp" with one child "l2tp" in transport mode for L2TP.
vm_ipsec_conf() {
    local ns=$1 role=$2 auth=$3 peer=$4 ike=${5:-$VM_IPSEC_IKE} esp=${6:-$VM_IPSEC_ESP}
    local local_ts=${VM_IPSEC_LOCAL_TS:-dynamic[udp/1701]}
    local d=$VM_IPSEC_DIR/$ns p=$VM_IPSEC_DIR/pki me them local_auth remote_auth remote_ts addrs
    mkdir -p "$d"
    if [[ $role == server ]]; then
        me=server them=client addrs="remote_addrs = %any"
        # A client's L2TP source port is its own business (Windows and
        # xl2tpd use 1701, others a random one). "dynamic[udp/%any]" is
        # refused by swanctl; "dynamic[udp]" means the same.
        remote_ts="dynamic[udp]"
    else
        me=client them=server addrs="remote_addrs = $peer"
        remote_ts="dynamic[udp/1701]"
    fi
    if [[ $auth == psk ]]; then
        local_auth="auth = psk"
        remote_auth="auth = psk"
    else
        local_auth="auth = pubkey
            certs = $p/$me.pem
            id = $me.vm.test"
        remote_auth="auth = pubkey
            cacerts = $p/ca.pem
            id = $them.vm.test"
    fi
    cat > "$d/swanctl.conf" <<CONF
# written by tests/vm/ipsec.sh: L2TP/IPsec $role, $auth
connections {
    l2tp {
        version = 1
        $addrs
        proposals = $ike
        encap = no
        dpd_delay = 0
        rekey_time = 0
        local {
            $local_auth
        }
        remote {
            $remote_auth
        }
        children {
            l2tp {
                mode = transport
                local_ts = $local_ts
                remote_ts = $remote_ts
                esp_proposals = $esp
                start_action = none
                ${VM_IPSEC_CHILD_EXTRA:-}
            }
        }
    }
}
secrets {
    ike-l2tp {
        secret = "$VM_IPSEC_PSK"
    }
CONF
    echo "}" >> "$d/swanctl.conf"
    # swanctl loads private keys from private/ beside the swanctl.conf it reads.
    if [[ $auth == cert ]]; then
        mkdir -p "$d/private"
        cp "$p/$me.key" "$d/private/$me.key"
    fi
}

# vm_ipsec_up NS [CHILD]: initiate CHILD from NS's charon and wait for it.
vm_ipsec_up() {
    local ns=$1 child=${2:-l2tp}
    vm_swanctl "$ns" --initiate --child "$child" --timeout 60 > "$VM_LOGDIR/swanctl-initiate-$ns.log" 2>&1 ||
        { cat "$VM_LOGDIR/swanctl-initiate-$ns.log"; return 1; }
}

# vm_ipsec_sas NS: "NAME REQID SPI_IN SPI_OUT BYTES_IN BYTES_OUT ENCAP" per
# installed CHILD_SA, from swanctl's raw vici answer.
vm_ipsec_sas() {
    vm_swanctl "$1" --list-sas --pretty 2>/dev/null | awk '
        /^  [^ ].* \{$/ && $0 !~ /child-sas/ { next }
        /child-sas \{/ { inchild = 1; next }
        inchild && /^      [^ ].* \{$/ { name = $1; sub(/-[0-9]+$/, "", name); delete f; next }
        inchild && /^        [a-z-]+ = / { k = $1; v = $3; f[k] = v }
        inchild && /^      \}$/ { if (f["state"] == "INSTALLED")
            print name, f["reqid"], f["spi-in"], f["spi-out"], f["bytes-in"], f["bytes-out"], (f["encap"] == "yes" ? "encap" : "esp") }
        /^    \}$/ { inchild = 0 }'
}

vm_ipsec_ike_algs() {
    vm_swanctl "$1" --list-sas --pretty 2>/dev/null | awk '
        /^    encr-alg = / { e = $3 } /^    encr-keysize = / { k = $3 }
        /^    integ-alg = / { i = $3 } /^    dh-group = / { d = $3 }
        /child-sas/ { if (e != "") { print e "-" k "/" i "/" d; exit } }'
}

# vm_ipsec_warm: the kernel's first ESP state costs seconds under emulation
# (crypto modules looked up and loaded, self-tests): pay it before IKE, whose
# peers retransmit meanwhile, in a throwaway namespace.
vm_ipsec_warm() {
    local k1=0x0102030405060708090a0b0c0d0e0f1011121314 k2=0x0102030405060708090a0b0c0d0e0f10
    ip netns add ipsec-warm || return 1
    ip -n ipsec-warm xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode transport \
        auth-trunc 'hmac(sha1)' "$k1" 96 enc 'cbc(aes)' "$k2$k2"
    ip -n ipsec-warm xfrm state add src 10.0.0.1 dst 10.0.0.3 proto esp spi 0x101 mode transport \
        auth-trunc 'hmac(sha256)' "$k2$k2" 128 enc 'cbc(aes)' "$k2"
    ip netns del ipsec-warm
}

vm_capture_start() {
    local ns=$1 ifc=$2 name=$3
    mkdir -p "$VM_IPSEC_DIR"
    vm_bg "tcpdump-$name" vm_in "$ns" tcpdump -i "$ifc" -n -U -s 128 -w "$VM_IPSEC_DIR/$name.pcap"
    vm_wait_for 10 test -s "$VM_IPSEC_DIR/$name.pcap"
}

vm_capture_stop() { vm_stop "tcpdump-$1"; }

vm_capture_count() {
    tcpdump -n -r "$VM_IPSEC_DIR/$1.pcap" "$2" 2>/dev/null | wc -l
}
