// SPDX-License-Identifier: GPL-2.0-only
// packers.yar - UPX-packed executables started from where droppers put
// them: temp directories, hidden paths, world-writable directories, or no
// file at all (memfd, deleted). UPX-packed programs are rare on a server
// and almost never installed there; packed miners (Kinsing, 8220,
// TeamTNT) are the common case. The externals are set by minerwatch for
// each executable (identify/content.c).

rule MW_Packer_UPX_Suspicious_Place
{
	meta:
		description = "UPX-packed ELF started from a temp, hidden or world-writable place"
	strings:
		$magic = "UPX!" ascii
		$info = "$Info: This file is packed with the UPX" ascii
		$id = "$Id: UPX " ascii
		$sec0 = "UPX0" ascii
		$sec1 = "UPX1" ascii
	condition:
		uint32(0) == 0x464c457f and
		(($magic in (0..1024) and #magic >= 2) or ($magic and ($info or $id or ($sec0 and $sec1)))) and
		(mw_temp_dir or mw_hidden_path or mw_world_writable_dir or mw_fileless)
}
