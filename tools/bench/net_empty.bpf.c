// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_empty.bpf.c - the network sensor's hooks with programs that do
 * nothing: the floor tools/bench-net compares the real sensor against.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("cgroup/connect4")
int empty_connect4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/connect6")
int empty_connect6(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg4")
int empty_sendmsg4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg6")
int empty_sendmsg6(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup_skb/egress")
int empty_egress(struct __sk_buff *skb) { return 1; }
SEC("cgroup_skb/ingress")
int empty_ingress(struct __sk_buff *skb) { return 1; }
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(empty_sock_state) { return 0; }
SEC("tp_btf/net_dev_queue")
int BPF_PROG(empty_dev_queue) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
