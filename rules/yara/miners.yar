// SPDX-License-Identifier: GPL-2.0-only
// miners.yar - cryptominers by what a rename or a rebuild keeps: the
// proof-of-work algorithm tables, RandomX/CryptoNight internals, the
// stratum protocol's method names and the authors' donation pools.
// Every rule needs several independent strings, so that a program that
// merely mentions mining (a text, a firewall list) does not match.
// Rule names appear in alerts as minerwatch.process.signatures and in
// rules/miners.json conditions.

private rule MW_ELF
{
	condition:
		uint32(0) == 0x464c457f
}

// XMRig and its forks (kdevtmpfsi, the 8220/TeamTNT builds...): the
// algorithm table lists the variants by their short names.
rule MW_Miner_XMRig_Algorithms
{
	meta:
		description = "XMRig-family miner: RandomX/CryptoNight/Argon2 algorithm table"
		family = "xmrig"
	strings:
		$a1 = "rx/0" ascii
		$a2 = "rx/wow" ascii
		$a3 = "rx/arq" ascii
		$a4 = "rx/sfx" ascii
		$a5 = "rx/keva" ascii
		$a6 = "cn/half" ascii
		$a7 = "cn/rwz" ascii
		$a8 = "cn/ccx" ascii
		$a9 = "cn-lite/1" ascii
		$a10 = "cn-heavy/xhv" ascii
		$a11 = "cn-pico" ascii
		$a12 = "argon2/chukwa" ascii
	condition:
		MW_ELF and 6 of ($a*)
}

// The RandomX key salts of Monero, Wownero and ArQmA live in every
// RandomX miner; alone they also sit in a Monero node, so a pool
// protocol string must come with them.
rule MW_Miner_RandomX_Stratum
{
	meta:
		description = "RandomX hashing code together with a mining-pool client"
		family = "randomx"
	strings:
		$salt1 = "RandomX\x03" ascii
		$salt2 = "RandomWOW\x01" ascii
		$salt3 = "RandomARQ\x01" ascii
		$p1 = "stratum+tcp://" ascii
		$p2 = "stratum+ssl://" ascii
		$p3 = "mining.subscribe" ascii
		$p4 = "keepalived" ascii
		$p5 = "\"nicehash\"" ascii
	condition:
		MW_ELF and any of ($salt*) and 2 of ($p*)
}

// The donation pools the XMRig and xmr-stak authors built in.
rule MW_Miner_Donation_Pool
{
	meta:
		description = "Miner with the XMRig or xmr-stak donation pool built in"
		family = "xmrig"
	strings:
		$d1 = "donate.v2.xmrig.com" ascii
		$d2 = "donate.ssl.xmrig.com" ascii
		$d3 = "donate.xmr-stak.net" ascii
		$d4 = "donate-level" ascii
	condition:
		MW_ELF and (any of ($d1, $d2, $d3)) and $d4
}

// xmr-stak (fireice-uk): its own name in its messages and CryptoNight.
rule MW_Miner_XMR_Stak
{
	meta:
		description = "xmr-stak CryptoNight miner"
		family = "xmr-stak"
	strings:
		$n = "xmr-stak" ascii nocase
		$c1 = "cryptonight" ascii nocase
		$c2 = "pool_address" ascii
		$c3 = "wallet_address" ascii
		$c4 = "donate.xmr-stak.net" ascii
	condition:
		MW_ELF and $n and 2 of ($c*)
}

// Stratum v1 clients: cpuminer/minerd (pooler, tpruvot, JayDDee),
// SRBMiner, ccminer, cgminer. The JSON-RPC method names of the pool
// protocol are not renamed without breaking the protocol.
rule MW_Miner_Stratum_Client
{
	meta:
		description = "Stratum mining-pool client (cpuminer, minerd, SRBMiner...)"
		family = "stratum"
	strings:
		$m1 = "mining.subscribe" ascii
		$m2 = "mining.authorize" ascii
		$m3 = "mining.notify" ascii
		$m4 = "mining.set_difficulty" ascii
		$m5 = "mining.submit" ascii
		$u = "stratum+tcp://" ascii
	condition:
		MW_ELF and $u and 3 of ($m*)
}

rule MW_Miner_CPUMiner
{
	meta:
		description = "cpuminer / minerd"
		family = "cpuminer"
	strings:
		$n1 = "Usage: minerd" ascii
		$n2 = "cpuminer-multi" ascii nocase
		$n3 = "cpuminer-opt" ascii nocase
		$n4 = "Usage: cpuminer" ascii
		$s1 = "stratum+tcp://" ascii
		$s2 = "mining.subscribe" ascii
		$a1 = "scrypt" ascii
		$a2 = "sha256d" ascii
	condition:
		MW_ELF and any of ($n*) and any of ($s*) and any of ($a*)
}

rule MW_Miner_SRBMiner
{
	meta:
		description = "SRBMiner-MULTI"
		family = "srbminer"
	strings:
		$n = "SRBMiner" ascii
		$s1 = "stratum+tcp://" ascii
		$s2 = "mining.subscribe" ascii
		$s3 = "--algorithm" ascii
		$s4 = "--pool" ascii
	condition:
		MW_ELF and #n > 2 and 2 of ($s*)
}

// Kinsing (Go) and the kdevtmpfsi miner it drops: the dropper names its
// payload, the Redis/masscan spreader functions keep their Go names.
rule MW_Miner_Kinsing
{
	meta:
		description = "Kinsing dropper / kdevtmpfsi payload"
		family = "kinsing"
	strings:
		$k1 = "kdevtmpfsi" ascii
		$k2 = "kinsing" ascii
		$k3 = "main.masscan" ascii
		$k4 = "main.redisBrute" ascii
		$k5 = "libsystem.so" ascii
		$k6 = "/tmp/.ICEd-unix" ascii
	condition:
		MW_ELF and 2 of ($k*)
}
