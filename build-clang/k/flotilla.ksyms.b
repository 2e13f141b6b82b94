#include "lib/ksyms.h"

static const struct ksym ksym_entries[] = {
	{ 0x0000000000100000ull, 0, 0 },	/* __kernel_phys_start */
	{ 0x0000000000100020ull, 0, 20 },	/* _start32 */
	{ 0x00000000001000f8ull, 0, 29 },	/* no_long_mode */
	{ 0x000000000010010full, 0, 42 },	/* long_mode_low */
	{ 0x0000000000100130ull, 0, 56 },	/* boot_gdt */
	{ 0x0000000000100148ull, 0, 65 },	/* boot_gdt_ptr */
	{ 0x000000000010014eull, 0, 78 },	/* no_lm_msg */
	{ 0xffffffff80101000ull, 203, 88 },	/* __text_start */
	{ 0xffffffff801010d0ull, 127, 101 },	/* sink */
	{ 0xffffffff80101150ull, 267, 106 },	/* kprintf */
	{ 0xffffffff80101260ull, 339, 114 },	/* core_init */
	{ 0xffffffff801013c0ull, 306, 124 },	/* kchan_call */
	{ 0xffffffff80101500ull, 32, 135 },	/* kchan_op_name */
	{ 0xffffffff80101520ull, 76, 149 },	/* kchan_create */
	{ 0xffffffff80101570ull, 366, 162 },	/* kchan_serve */
	{ 0xffffffff801016e0ull, 176, 174 },	/* kchan_report_fault */
	{ 0xffffffff80101790ull, 125, 193 },	/* ktest_fail */
	{ 0xffffffff80101810ull, 125, 204 },	/* ktest_skip */
	{ 0xffffffff80101890ull, 168, 215 },	/* ktest_run_here */
	{ 0xffffffff80101940ull, 199, 230 },	/* ktest_cores_online */
	{ 0xffffffff80101a10ull, 185, 249 },	/* ktest_wait_ticks */
	{ 0xffffffff80101ad0ull, 1943, 266 },	/* ktest_main */
	{ 0xffffffff80102270ull, 2756, 277 },	/* machine_discover */
	{ 0xffffffff80102d40ull, 265, 294 },	/* cmdline_get */
	{ 0xffffffff80102e50ull, 52, 306 },	/* boot_map */
	{ 0xffffffff80102e90ull, 29, 315 },	/* boot_warn */
	{ 0xffffffff80102eb0ull, 77, 325 },	/* kmain */
	{ 0xffffffff80102f00ull, 432, 331 },	/* bsp_main */
	{ 0xffffffff801030b0ull, 41, 340 },	/* ap_entry */
	{ 0xffffffff801030e0ull, 46, 349 },	/* ap_main */
	{ 0xffffffff80103110ull, 133, 357 },	/* panic */
	{ 0xffffffff801031a0ull, 71, 363 },	/* pmem_init */
	{ 0xffffffff801031f0ull, 177, 373 },	/* pmem_alloc_contig */
	{ 0xffffffff801032b0ull, 192, 391 },	/* pmem_alloc */
	{ 0xffffffff80103370ull, 177, 402 },	/* pmem_free_bytes */
	{ 0xffffffff80103430ull, 34, 418 },	/* arch_set_this_core */
	{ 0xffffffff80103460ull, 322, 437 },	/* arch_core_init */
	{ 0xffffffff801035b0ull, 18, 452 },	/* arch_has_core */
	{ 0xffffffff801035d0ull, 17, 466 },	/* arch_timestamp */
	{ 0xffffffff801035f0ull, 9, 481 },	/* arch_wait_for_interrupt */
	{ 0xffffffff80103600ull, 20, 505 },	/* arch_halt_core */
	{ 0xffffffff80103620ull, 20, 520 },	/* arch_exit_qemu */
	{ 0xffffffff80103640ull, 16, 535 },	/* arch_fault_divide */
	{ 0xffffffff80103650ull, 18, 553 },	/* arch_fault_page */
	{ 0xffffffff80103670ull, 8, 569 },	/* arch_fault_invalid_opcode */
	{ 0xffffffff80103680ull, 17, 595 },	/* lapic_eoi */
	{ 0xffffffff801036a0ull, 16, 605 },	/* lapic_id */
	{ 0xffffffff801036b0ull, 62, 614 },	/* lapic_send_ipi */
	{ 0xffffffff801036f0ull, 78, 629 },	/* arch_doorbell */
	{ 0xffffffff80103740ull, 13, 643 },	/* arch_timestamp_hz */
	{ 0xffffffff80103750ull, 454, 661 },	/* lapic_init_core */
	{ 0xffffffff80103920ull, 493, 677 },	/* paging_init_core */
	{ 0xffffffff80103b10ull, 373, 694 },	/* map */
	{ 0xffffffff80103c90ull, 329, 698 },	/* arch_boot_map_extend */
	{ 0xffffffff80103de0ull, 55, 719 },	/* arch_console_init */
	{ 0xffffffff80103e20ull, 37, 737 },	/* arch_console_putc */
	{ 0xffffffff80103e50ull, 549, 755 },	/* arch_start_core */
	{ 0xffffffff80104080ull, 26, 771 },	/* smp_check_in */
	{ 0xffffffff801040a0ull, 27, 784 },	/* trap_name */
	{ 0xffffffff801040c0ull, 121, 794 },	/* trap_init_idt */
	{ 0xffffffff80104140ull, 143, 808 },	/* arch_early_traps */
	{ 0xffffffff801041d0ull, 251, 825 },	/* trap_dispatch */
	{ 0xffffffff801042d0ull, 1286, 839 },	/* report_fault */
	{ 0xffffffff801047e0ull, 148, 852 },	/* say */
	{ 0xffffffff80104880ull, 28, 856 },	/* err_name */
	{ 0xffffffff801048a0ull, 28, 865 },	/* err_msg */
	{ 0xffffffff801048c0ull, 3182, 873 },	/* fmt_vformat */
	{ 0xffffffff80105530ull, 72, 885 },	/* fmt_vsnprintf */
	{ 0xffffffff80105580ull, 31, 899 },	/* buf_put */
	{ 0xffffffff801055a0ull, 118, 907 },	/* fmt_snprintf */
	{ 0xffffffff80105620ull, 361, 920 },	/* put_field */
	{ 0xffffffff80105790ull, 681, 930 },	/* memcpy */
	{ 0xffffffff80105a40ull, 1417, 937 },	/* memmove */
	{ 0xffffffff80105fd0ull, 514, 945 },	/* memset */
	{ 0xffffffff801061e0ull, 48, 952 },	/* memcmp */
	{ 0xffffffff80106210ull, 29, 959 },	/* strlen */
	{ 0xffffffff80106230ull, 36, 966 },	/* strnlen */
	{ 0xffffffff80106260ull, 47, 974 },	/* strcmp */
	{ 0xffffffff80106290ull, 55, 981 },	/* strncmp */
	{ 0xffffffff801062d0ull, 54, 989 },	/* strchr */
	{ 0xffffffff80106310ull, 734, 996 },	/* strlcpy */
	{ 0xffffffff801065f0ull, 142, 1004 },	/* ksym_lookup */
	{ 0xffffffff80106680ull, 70, 1016 },	/* memmap_add */
	{ 0xffffffff801066d0ull, 735, 1027 },	/* memmap_usable */
	{ 0xffffffff801069b0ull, 143, 1041 },	/* memmap_total */
	{ 0xffffffff80106a40ull, 1607, 1054 },	/* mb_parse */
	{ 0xffffffff80107090ull, 222, 1063 },	/* acpi_find_rsdp */
	{ 0xffffffff80107170ull, 3934, 1078 },	/* acpi_parse */
	{ 0xffffffff801080d0ull, 445, 1089 },	/* rsdp_read */
	{ 0xffffffff80108290ull, 9, 1099 },	/* get64 */
	{ 0xffffffff801082a0ull, 1249, 1105 },	/* memshare_split */
	{ 0xffffffff80108790ull, 937, 1120 },	/* walk */
	{ 0xffffffff80108b40ull, 787, 1125 },	/* memshare_check */
	{ 0xffffffff80108e54ull, 0, 1140 },	/* boot_higher_half */
	{ 0xffffffff80108e70ull, 0, 1157 },	/* vector_0 */
	{ 0xffffffff80108e80ull, 0, 1166 },	/* vector_1 */
	{ 0xffffffff80108e90ull, 0, 1175 },	/* vector_2 */
	{ 0xffffffff80108ea0ull, 0, 1184 },	/* vector_3 */
	{ 0xffffffff80108eb0ull, 0, 1193 },	/* vector_4 */
	{ 0xffffffff80108ec0ull, 0, 1202 },	/* vector_5 */
	{ 0xffffffff80108ed0ull, 0, 1211 },	/* vector_6 */
	{ 0xffffffff80108ee0ull, 0, 1220 },	/* vector_7 */
	{ 0xffffffff80108ef0ull, 0, 1229 },	/* vector_8 */
	{ 0xffffffff80108f00ull, 0, 1238 },	/* vector_9 */
	{ 0xffffffff80108f10ull, 0, 1247 },	/* vector_10 */
	{ 0xffffffff80108f20ull, 0, 1257 },	/* vector_11 */
	{ 0xffffffff80108f30ull, 0, 1267 },	/* vector_12 */
	{ 0xffffffff80108f40ull, 0, 1277 },	/* vector_13 */
	{ 0xffffffff80108f50ull, 0, 1287 },	/* vector_14 */
	{ 0xffffffff80108f60ull, 0, 1297 },	/* vector_15 */
	{ 0xffffffff80108f70ull, 0, 1307 },	/* vector_16 */
	{ 0xffffffff80108f80ull, 0, 1317 },	/* vector_17 */
	{ 0xffffffff80108f90ull, 0, 1327 },	/* vector_18 */
	{ 0xffffffff80108fa0ull, 0, 1337 },	/* vector_19 */
	{ 0xffffffff80108fb0ull, 0, 1347 },	/* vector_20 */
	{ 0xffffffff80108fc0ull, 0, 1357 },	/* vector_21 */
	{ 0xffffffff80108fd0ull, 0, 1367 },	/* vector_22 */
	{ 0xffffffff80108fe0ull, 0, 1377 },	/* vector_23 */
	{ 0xffffffff80108ff0ull, 0, 1387 },	/* vector_24 */
	{ 0xffffffff80109000ull, 0, 1397 },	/* vector_25 */
	{ 0xffffffff80109010ull, 0, 1407 },	/* vector_26 */
	{ 0xffffffff80109020ull, 0, 1417 },	/* vector_27 */
	{ 0xffffffff80109030ull, 0, 1427 },	/* vector_28 */
	{ 0xffffffff80109040ull, 0, 1437 },	/* vector_29 */
	{ 0xffffffff80109050ull, 0, 1447 },	/* vector_30 */
	{ 0xffffffff80109060ull, 0, 1457 },	/* vector_31 */
	{ 0xffffffff80109070ull, 0, 1467 },	/* vector_32 */
	{ 0xffffffff80109080ull, 0, 1477 },	/* vector_33 */
	{ 0xffffffff80109090ull, 0, 1487 },	/* vector_34 */
	{ 0xffffffff801090a0ull, 0, 1497 },	/* vector_35 */
	{ 0xffffffff801090b0ull, 0, 1507 },	/* vector_36 */
	{ 0xffffffff801090c0ull, 0, 1517 },	/* vector_37 */
	{ 0xffffffff801090d0ull, 0, 1527 },	/* vector_38 */
	{ 0xffffffff801090e0ull, 0, 1537 },	/* vector_39 */
	{ 0xffffffff801090f0ull, 0, 1547 },	/* vector_40 */
	{ 0xffffffff80109100ull, 0, 1557 },	/* vector_41 */
	{ 0xffffffff80109110ull, 0, 1567 },	/* vector_42 */
	{ 0xffffffff80109120ull, 0, 1577 },	/* vector_43 */
	{ 0xffffffff80109130ull, 0, 1587 },	/* vector_44 */
	{ 0xffffffff80109140ull, 0, 1597 },	/* vector_45 */
	{ 0xffffffff80109150ull, 0, 1607 },	/* vector_46 */
	{ 0xffffffff80109160ull, 0, 1617 },	/* vector_47 */
	{ 0xffffffff80109170ull, 0, 1627 },	/* vector_48 */
	{ 0xffffffff80109180ull, 0, 1637 },	/* vector_49 */
	{ 0xffffffff80109190ull, 0, 1647 },	/* vector_50 */
	{ 0xffffffff801091a0ull, 0, 1657 },	/* vector_51 */
	{ 0xffffffff801091b0ull, 0, 1667 },	/* vector_52 */
	{ 0xffffffff801091c0ull, 0, 1677 },	/* vector_53 */
	{ 0xffffffff801091d0ull, 0, 1687 },	/* vector_54 */
	{ 0xffffffff801091e0ull, 0, 1697 },	/* vector_55 */
	{ 0xffffffff801091f0ull, 0, 1707 },	/* vector_56 */
	{ 0xffffffff80109200ull, 0, 1717 },	/* vector_57 */
	{ 0xffffffff80109210ull, 0, 1727 },	/* vector_58 */
	{ 0xffffffff80109220ull, 0, 1737 },	/* vector_59 */
	{ 0xffffffff80109230ull, 0, 1747 },	/* vector_60 */
	{ 0xffffffff80109240ull, 0, 1757 },	/* vector_61 */
	{ 0xffffffff80109250ull, 0, 1767 },	/* vector_62 */
	{ 0xffffffff80109260ull, 0, 1777 },	/* vector_63 */
	{ 0xffffffff80109270ull, 0, 1787 },	/* vector_64 */
	{ 0xffffffff80109280ull, 0, 1797 },	/* vector_65 */
	{ 0xffffffff80109290ull, 0, 1807 },	/* vector_66 */
	{ 0xffffffff801092a0ull, 0, 1817 },	/* vector_67 */
	{ 0xffffffff801092b0ull, 0, 1827 },	/* vector_68 */
	{ 0xffffffff801092c0ull, 0, 1837 },	/* vector_69 */
	{ 0xffffffff801092d0ull, 0, 1847 },	/* vector_70 */
	{ 0xffffffff801092e0ull, 0, 1857 },	/* vector_71 */
	{ 0xffffffff801092f0ull, 0, 1867 },	/* vector_72 */
	{ 0xffffffff80109300ull, 0, 1877 },	/* vector_73 */
	{ 0xffffffff80109310ull, 0, 1887 },	/* vector_74 */
	{ 0xffffffff80109320ull, 0, 1897 },	/* vector_75 */
	{ 0xffffffff80109330ull, 0, 1907 },	/* vector_76 */
	{ 0xffffffff80109340ull, 0, 1917 },	/* vector_77 */
	{ 0xffffffff80109350ull, 0, 1927 },	/* vector_78 */
	{ 0xffffffff80109360ull, 0, 1937 },	/* vector_79 */
	{ 0xffffffff80109370ull, 0, 1947 },	/* vector_80 */
	{ 0xffffffff80109380ull, 0, 1957 },	/* vector_81 */
	{ 0xffffffff80109390ull, 0, 1967 },	/* vector_82 */
	{ 0xffffffff801093a0ull, 0, 1977 },	/* vector_83 */
	{ 0xffffffff801093b0ull, 0, 1987 },	/* vector_84 */
	{ 0xffffffff801093c0ull, 0, 1997 },	/* vector_85 */
	{ 0xffffffff801093d0ull, 0, 2007 },	/* vector_86 */
	{ 0xffffffff801093e0ull, 0, 2017 },	/* vector_87 */
	{ 0xffffffff801093f0ull, 0, 2027 },	/* vector_88 */
	{ 0xffffffff80109400ull, 0, 2037 },	/* vector_89 */
	{ 0xffffffff80109410ull, 0, 2047 },	/* vector_90 */
	{ 0xffffffff80109420ull, 0, 2057 },	/* vector_91 */
	{ 0xffffffff80109430ull, 0, 2067 },	/* vector_92 */
	{ 0xffffffff80109440ull, 0, 2077 },	/* vector_93 */
	{ 0xffffffff80109450ull, 0, 2087 },	/* vector_94 */
	{ 0xffffffff80109460ull, 0, 2097 },	/* vector_95 */
	{ 0xffffffff80109470ull, 0, 2107 },	/* vector_96 */
	{ 0xffffffff80109480ull, 0, 2117 },	/* vector_97 */
	{ 0xffffffff80109490ull, 0, 2127 },	/* vector_98 */
	{ 0xffffffff801094a0ull, 0, 2137 },	/* vector_99 */
	{ 0xffffffff801094b0ull, 0, 2147 },	/* vector_100 */
	{ 0xffffffff801094c0ull, 0, 2158 },	/* vector_101 */
	{ 0xffffffff801094d0ull, 0, 2169 },	/* vector_102 */
	{ 0xffffffff801094e0ull, 0, 2180 },	/* vector_103 */
	{ 0xffffffff801094f0ull, 0, 2191 },	/* vector_104 */
	{ 0xffffffff80109500ull, 0, 2202 },	/* vector_105 */
	{ 0xffffffff80109510ull, 0, 2213 },	/* vector_106 */
	{ 0xffffffff80109520ull, 0, 2224 },	/* vector_107 */
	{ 0xffffffff80109530ull, 0, 2235 },	/* vector_108 */
	{ 0xffffffff80109540ull, 0, 2246 },	/* vector_109 */
	{ 0xffffffff80109550ull, 0, 2257 },	/* vector_110 */
	{ 0xffffffff80109560ull, 0, 2268 },	/* vector_111 */
	{ 0xffffffff80109570ull, 0, 2279 },	/* vector_112 */
	{ 0xffffffff80109580ull, 0, 2290 },	/* vector_113 */
	{ 0xffffffff80109590ull, 0, 2301 },	/* vector_114 */
	{ 0xffffffff801095a0ull, 0, 2312 },	/* vector_115 */
	{ 0xffffffff801095b0ull, 0, 2323 },	/* vector_116 */
	{ 0xffffffff801095c0ull, 0, 2334 },	/* vector_117 */
	{ 0xffffffff801095d0ull, 0, 2345 },	/* vector_118 */
	{ 0xffffffff801095e0ull, 0, 2356 },	/* vector_119 */
	{ 0xffffffff801095f0ull, 0, 2367 },	/* vector_120 */
	{ 0xffffffff80109600ull, 0, 2378 },	/* vector_121 */
	{ 0xffffffff80109610ull, 0, 2389 },	/* vector_122 */
	{ 0xffffffff80109620ull, 0, 2400 },	/* vector_123 */
	{ 0xffffffff80109630ull, 0, 2411 },	/* vector_124 */
	{ 0xffffffff80109640ull, 0, 2422 },	/* vector_125 */
	{ 0xffffffff80109650ull, 0, 2433 },	/* vector_126 */
	{ 0xffffffff80109660ull, 0, 2444 },	/* vector_127 */
	{ 0xffffffff80109670ull, 0, 2455 },	/* vector_128 */
	{ 0xffffffff80109680ull, 0, 2466 },	/* vector_129 */
	{ 0xffffffff80109690ull, 0, 2477 },	/* vector_130 */
	{ 0xffffffff801096a0ull, 0, 2488 },	/* vector_131 */
	{ 0xffffffff801096b0ull, 0, 2499 },	/* vector_132 */
	{ 0xffffffff801096c0ull, 0, 2510 },	/* vector_133 */
	{ 0xffffffff801096d0ull, 0, 2521 },	/* vector_134 */
	{ 0xffffffff801096e0ull, 0, 2532 },	/* vector_135 */
	{ 0xffffffff801096f0ull, 0, 2543 },	/* vector_136 */
	{ 0xffffffff80109700ull, 0, 2554 },	/* vector_137 */
	{ 0xffffffff80109710ull, 0, 2565 },	/* vector_138 */
	{ 0xffffffff80109720ull, 0, 2576 },	/* vector_139 */
	{ 0xffffffff80109730ull, 0, 2587 },	/* vector_140 */
	{ 0xffffffff80109740ull, 0, 2598 },	/* vector_141 */
	{ 0xffffffff80109750ull, 0, 2609 },	/* vector_142 */
	{ 0xffffffff80109760ull, 0, 2620 },	/* vector_143 */
	{ 0xffffffff80109770ull, 0, 2631 },	/* vector_144 */
	{ 0xffffffff80109780ull, 0, 2642 },	/* vector_145 */
	{ 0xffffffff80109790ull, 0, 2653 },	/* vector_146 */
	{ 0xffffffff801097a0ull, 0, 2664 },	/* vector_147 */
	{ 0xffffffff801097b0ull, 0, 2675 },	/* vector_148 */
	{ 0xffffffff801097c0ull, 0, 2686 },	/* vector_149 */
	{ 0xffffffff801097d0ull, 0, 2697 },	/* vector_150 */
	{ 0xffffffff801097e0ull, 0, 2708 },	/* vector_151 */
	{ 0xffffffff801097f0ull, 0, 2719 },	/* vector_152 */
	{ 0xffffffff80109800ull, 0, 2730 },	/* vector_153 */
	{ 0xffffffff80109810ull, 0, 2741 },	/* vector_154 */
	{ 0xffffffff80109820ull, 0, 2752 },	/* vector_155 */
	{ 0xffffffff80109830ull, 0, 2763 },	/* vector_156 */
	{ 0xffffffff80109840ull, 0, 2774 },	/* vector_157 */
	{ 0xffffffff80109850ull, 0, 2785 },	/* vector_158 */
	{ 0xffffffff80109860ull, 0, 2796 },	/* vector_159 */
	{ 0xffffffff80109870ull, 0, 2807 },	/* vector_160 */
	{ 0xffffffff80109880ull, 0, 2818 },	/* vector_161 */
	{ 0xffffffff80109890ull, 0, 2829 },	/* vector_162 */
	{ 0xffffffff801098a0ull, 0, 2840 },	/* vector_163 */
	{ 0xffffffff801098b0ull, 0, 2851 },	/* vector_164 */
	{ 0xffffffff801098c0ull, 0, 2862 },	/* vector_165 */
	{ 0xffffffff801098d0ull, 0, 2873 },	/* vector_166 */
	{ 0xffffffff801098e0ull, 0, 2884 },	/* vector_167 */
	{ 0xffffffff801098f0ull, 0, 2895 },	/* vector_168 */
	{ 0xffffffff80109900ull, 0, 2906 },	/* vector_169 */
	{ 0xffffffff80109910ull, 0, 2917 },	/* vector_170 */
	{ 0xffffffff80109920ull, 0, 2928 },	/* vector_171 */
	{ 0xffffffff80109930ull, 0, 2939 },	/* vector_172 */
	{ 0xffffffff80109940ull, 0, 2950 },	/* vector_173 */
	{ 0xffffffff80109950ull, 0, 2961 },	/* vector_174 */
	{ 0xffffffff80109960ull, 0, 2972 },	/* vector_175 */
	{ 0xffffffff80109970ull, 0, 2983 },	/* vector_176 */
	{ 0xffffffff80109980ull, 0, 2994 },	/* vector_177 */
	{ 0xffffffff80109990ull, 0, 3005 },	/* vector_178 */
	{ 0xffffffff801099a0ull, 0, 3016 },	/* vector_179 */
	{ 0xffffffff801099b0ull, 0, 3027 },	/* vector_180 */
	{ 0xffffffff801099c0ull, 0, 3038 },	/* vector_181 */
	{ 0xffffffff801099d0ull, 0, 3049 },	/* vector_182 */
	{ 0xffffffff801099e0ull, 0, 3060 },	/* vector_183 */
	{ 0xffffffff801099f0ull, 0, 3071 },	/* vector_184 */
	{ 0xffffffff80109a00ull, 0, 3082 },	/* vector_185 */
	{ 0xffffffff80109a10ull, 0, 3093 },	/* vector_186 */
	{ 0xffffffff80109a20ull, 0, 3104 },	/* vector_187 */
	{ 0xffffffff80109a30ull, 0, 3115 },	/* vector_188 */
	{ 0xffffffff80109a40ull, 0, 3126 },	/* vector_189 */
	{ 0xffffffff80109a50ull, 0, 3137 },	/* vector_190 */
	{ 0xffffffff80109a60ull, 0, 3148 },	/* vector_191 */
	{ 0xffffffff80109a70ull, 0, 3159 },	/* vector_192 */
	{ 0xffffffff80109a80ull, 0, 3170 },	/* vector_193 */
	{ 0xffffffff80109a90ull, 0, 3181 },	/* vector_194 */
	{ 0xffffffff80109aa0ull, 0, 3192 },	/* vector_195 */
	{ 0xffffffff80109ab0ull, 0, 3203 },	/* vector_196 */
	{ 0xffffffff80109ac0ull, 0, 3214 },	/* vector_197 */
	{ 0xffffffff80109ad0ull, 0, 3225 },	/* vector_198 */
	{ 0xffffffff80109ae0ull, 0, 3236 },	/* vector_199 */
	{ 0xffffffff80109af0ull, 0, 3247 },	/* vector_200 */
	{ 0xffffffff80109b00ull, 0, 3258 },	/* vector_201 */
	{ 0xffffffff80109b10ull, 0, 3269 },	/* vector_202 */
	{ 0xffffffff80109b20ull, 0, 3280 },	/* vector_203 */
	{ 0xffffffff80109b30ull, 0, 3291 },	/* vector_204 */
	{ 0xffffffff80109b40ull, 0, 3302 },	/* vector_205 */
	{ 0xffffffff80109b50ull, 0, 3313 },	/* vector_206 */
	{ 0xffffffff80109b60ull, 0, 3324 },	/* vector_207 */
	{ 0xffffffff80109b70ull, 0, 3335 },	/* vector_208 */
	{ 0xffffffff80109b80ull, 0, 3346 },	/* vector_209 */
	{ 0xffffffff80109b90ull, 0, 3357 },	/* vector_210 */
	{ 0xffffffff80109ba0ull, 0, 3368 },	/* vector_211 */
	{ 0xffffffff80109bb0ull, 0, 3379 },	/* vector_212 */
	{ 0xffffffff80109bc0ull, 0, 3390 },	/* vector_213 */
	{ 0xffffffff80109bd0ull, 0, 3401 },	/* vector_214 */
	{ 0xffffffff80109be0ull, 0, 3412 },	/* vector_215 */
	{ 0xffffffff80109bf0ull, 0, 3423 },	/* vector_216 */
	{ 0xffffffff80109c00ull, 0, 3434 },	/* vector_217 */
	{ 0xffffffff80109c10ull, 0, 3445 },	/* vector_218 */
	{ 0xffffffff80109c20ull, 0, 3456 },	/* vector_219 */
	{ 0xffffffff80109c30ull, 0, 3467 },	/* vector_220 */
	{ 0xffffffff80109c40ull, 0, 3478 },	/* vector_221 */
	{ 0xffffffff80109c50ull, 0, 3489 },	/* vector_222 */
	{ 0xffffffff80109c60ull, 0, 3500 },	/* vector_223 */
	{ 0xffffffff80109c70ull, 0, 3511 },	/* vector_224 */
	{ 0xffffffff80109c80ull, 0, 3522 },	/* vector_225 */
	{ 0xffffffff80109c90ull, 0, 3533 },	/* vector_226 */
	{ 0xffffffff80109ca0ull, 0, 3544 },	/* vector_227 */
	{ 0xffffffff80109cb0ull, 0, 3555 },	/* vector_228 */
	{ 0xffffffff80109cc0ull, 0, 3566 },	/* vector_229 */
	{ 0xffffffff80109cd0ull, 0, 3577 },	/* vector_230 */
	{ 0xffffffff80109ce0ull, 0, 3588 },	/* vector_231 */
	{ 0xffffffff80109cf0ull, 0, 3599 },	/* vector_232 */
	{ 0xffffffff80109d00ull, 0, 3610 },	/* vector_233 */
	{ 0xffffffff80109d10ull, 0, 3621 },	/* vector_234 */
	{ 0xffffffff80109d20ull, 0, 3632 },	/* vector_235 */
	{ 0xffffffff80109d30ull, 0, 3643 },	/* vector_236 */
	{ 0xffffffff80109d40ull, 0, 3654 },	/* vector_237 */
	{ 0xffffffff80109d50ull, 0, 3665 },	/* vector_238 */
	{ 0xffffffff80109d60ull, 0, 3676 },	/* vector_239 */
	{ 0xffffffff80109d70ull, 0, 3687 },	/* vector_240 */
	{ 0xffffffff80109d80ull, 0, 3698 },	/* vector_241 */
	{ 0xffffffff80109d90ull, 0, 3709 },	/* vector_242 */
	{ 0xffffffff80109da0ull, 0, 3720 },	/* vector_243 */
	{ 0xffffffff80109db0ull, 0, 3731 },	/* vector_244 */
	{ 0xffffffff80109dc0ull, 0, 3742 },	/* vector_245 */
	{ 0xffffffff80109dd0ull, 0, 3753 },	/* vector_246 */
	{ 0xffffffff80109de0ull, 0, 3764 },	/* vector_247 */
	{ 0xffffffff80109df0ull, 0, 3775 },	/* vector_248 */
	{ 0xffffffff80109e00ull, 0, 3786 },	/* vector_249 */
	{ 0xffffffff80109e10ull, 0, 3797 },	/* vector_250 */
	{ 0xffffffff80109e20ull, 0, 3808 },	/* vector_251 */
	{ 0xffffffff80109e30ull, 0, 3819 },	/* vector_252 */
	{ 0xffffffff80109e40ull, 0, 3830 },	/* vector_253 */
	{ 0xffffffff80109e50ull, 0, 3841 },	/* vector_254 */
	{ 0xffffffff80109e60ull, 0, 3852 },	/* vector_255 */
	{ 0xffffffff80109e69ull, 0, 3863 },	/* trap_common */
	{ 0xffffffff80109ec4ull, 0, 3875 },	/* arch_switch_stack */
	{ 0xffffffff80109ed0ull, 0, 3893 },	/* __text_end */
};

static const char ksym_names[] =
	"__kernel_phys_start\0"
	"_start32\0"
	"no_long_mode\0"
	"long_mode_low\0"
	"boot_gdt\0"
	"boot_gdt_ptr\0"
	"no_lm_msg\0"
	"__text_start\0"
	"sink\0"
	"kprintf\0"
	"core_init\0"
	"kchan_call\0"
	"kchan_op_name\0"
	"kchan_create\0"
	"kchan_serve\0"
	"kchan_report_fault\0"
	"ktest_fail\0"
	"ktest_skip\0"
	"ktest_run_here\0"
	"ktest_cores_online\0"
	"ktest_wait_ticks\0"
	"ktest_main\0"
	"machine_discover\0"
	"cmdline_get\0"
	"boot_map\0"
	"boot_warn\0"
	"kmain\0"
	"bsp_main\0"
	"ap_entry\0"
	"ap_main\0"
	"panic\0"
	"pmem_init\0"
	"pmem_alloc_contig\0"
	"pmem_alloc\0"
	"pmem_free_bytes\0"
	"arch_set_this_core\0"
	"arch_core_init\0"
	"arch_has_core\0"
	"arch_timestamp\0"
	"arch_wait_for_interrupt\0"
	"arch_halt_core\0"
	"arch_exit_qemu\0"
	"arch_fault_divide\0"
	"arch_fault_page\0"
	"arch_fault_invalid_opcode\0"
	"lapic_eoi\0"
	"lapic_id\0"
	"lapic_send_ipi\0"
	"arch_doorbell\0"
	"arch_timestamp_hz\0"
	"lapic_init_core\0"
	"paging_init_core\0"
	"map\0"
	"arch_boot_map_extend\0"
	"arch_console_init\0"
	"arch_console_putc\0"
	"arch_start_core\0"
	"smp_check_in\0"
	"trap_name\0"
	"trap_init_idt\0"
	"arch_early_traps\0"
	"trap_dispatch\0"
	"report_fault\0"
	"say\0"
	"err_name\0"
	"err_msg\0"
	"fmt_vformat\0"
	"fmt_vsnprintf\0"
	"buf_put\0"
	"fmt_snprintf\0"
	"put_field\0"
	"memcpy\0"
	"memmove\0"
	"memset\0"
	"memcmp\0"
	"strlen\0"
	"strnlen\0"
	"strcmp\0"
	"strncmp\0"
	"strchr\0"
	"strlcpy\0"
	"ksym_lookup\0"
	"memmap_add\0"
	"memmap_usable\0"
	"memmap_total\0"
	"mb_parse\0"
	"acpi_find_rsdp\0"
	"acpi_parse\0"
	"rsdp_read\0"
	"get64\0"
	"memshare_split\0"
	"walk\0"
	"memshare_check\0"
	"boot_higher_half\0"
	"vector_0\0"
	"vector_1\0"
	"vector_2\0"
	"vector_3\0"
	"vector_4\0"
	"vector_5\0"
	"vector_6\0"
	"vector_7\0"
	"vector_8\0"
	"vector_9\0"
	"vector_10\0"
	"vector_11\0"
	"vector_12\0"
	"vector_13\0"
	"vector_14\0"
	"vector_15\0"
	"vector_16\0"
	"vector_17\0"
	"vector_18\0"
	"vector_19\0"
	"vector_20\0"
	"vector_21\0"
	"vector_22\0"
	"vector_23\0"
	"vector_24\0"
	"vector_25\0"
	"vector_26\0"
	"vector_27\0"
	"vector_28\0"
	"vector_29\0"
	"vector_30\0"
	"vector_31\0"
	"vector_32\0"
	"vector_33\0"
	"vector_34\0"
	"vector_35\0"
	"vector_36\0"
	"vector_37\0"
	"vector_38\0"
	"vector_39\0"
	"vector_40\0"
	"vector_41\0"
	"vector_42\0"
	"vector_43\0"
	"vector_44\0"
	"vector_45\0"
	"vector_46\0"
	"vector_47\0"
	"vector_48\0"
	"vector_49\0"
	"vector_50\0"
	"vector_51\0"
	"vector_52\0"
	"vector_53\0"
	"vector_54\0"
	"vector_55\0"
	"vector_56\0"
	"vector_57\0"
	"vector_58\0"
	"vector_59\0"
	"vector_60\0"
	"vector_61\0"
	"vector_62\0"
	"vector_63\0"
	"vector_64\0"
	"vector_65\0"
	"vector_66\0"
	"vector_67\0"
	"vector_68\0"
	"vector_69\0"
	"vector_70\0"
	"vector_71\0"
	"vector_72\0"
	"vector_73\0"
	"vector_74\0"
	"vector_75\0"
	"vector_76\0"
	"vector_77\0"
	"vector_78\0"
	"vector_79\0"
	"vector_80\0"
	"vector_81\0"
	"vector_82\0"
	"vector_83\0"
	"vector_84\0"
	"vector_85\0"
	"vector_86\0"
	"vector_87\0"
	"vector_88\0"
	"vector_89\0"
	"vector_90\0"
	"vector_91\0"
	"vector_92\0"
	"vector_93\0"
	"vector_94\0"
	"vector_95\0"
	"vector_96\0"
	"vector_97\0"
	"vector_98\0"
	"vector_99\0"
	"vector_100\0"
	"vector_101\0"
	"vector_102\0"
	"vector_103\0"
	"vector_104\0"
	"vector_105\0"
	"vector_106\0"
	"vector_107\0"
	"vector_108\0"
	"vector_109\0"
	"vector_110\0"
	"vector_111\0"
	"vector_112\0"
	"vector_113\0"
	"vector_114\0"
	"vector_115\0"
	"vector_116\0"
	"vector_117\0"
	"vector_118\0"
	"vector_119\0"
	"vector_120\0"
	"vector_121\0"
	"vector_122\0"
	"vector_123\0"
	"vector_124\0"
	"vector_125\0"
	"vector_126\0"
	"vector_127\0"
	"vector_128\0"
	"vector_129\0"
	"vector_130\0"
	"vector_131\0"
	"vector_132\0"
	"vector_133\0"
	"vector_134\0"
	"vector_135\0"
	"vector_136\0"
	"vector_137\0"
	"vector_138\0"
	"vector_139\0"
	"vector_140\0"
	"vector_141\0"
	"vector_142\0"
	"vector_143\0"
	"vector_144\0"
	"vector_145\0"
	"vector_146\0"
	"vector_147\0"
	"vector_148\0"
	"vector_149\0"
	"vector_150\0"
	"vector_151\0"
	"vector_152\0"
	"vector_153\0"
	"vector_154\0"
	"vector_155\0"
	"vector_156\0"
	"vector_157\0"
	"vector_158\0"
	"vector_159\0"
	"vector_160\0"
	"vector_161\0"
	"vector_162\0"
	"vector_163\0"
	"vector_164\0"
	"vector_165\0"
	"vector_166\0"
	"vector_167\0"
	"vector_168\0"
	"vector_169\0"
	"vector_170\0"
	"vector_171\0"
	"vector_172\0"
	"vector_173\0"
	"vector_174\0"
	"vector_175\0"
	"vector_176\0"
	"vector_177\0"
	"vector_178\0"
	"vector_179\0"
	"vector_180\0"
	"vector_181\0"
	"vector_182\0"
	"vector_183\0"
	"vector_184\0"
	"vector_185\0"
	"vector_186\0"
	"vector_187\0"
	"vector_188\0"
	"vector_189\0"
	"vector_190\0"
	"vector_191\0"
	"vector_192\0"
	"vector_193\0"
	"vector_194\0"
	"vector_195\0"
	"vector_196\0"
	"vector_197\0"
	"vector_198\0"
	"vector_199\0"
	"vector_200\0"
	"vector_201\0"
	"vector_202\0"
	"vector_203\0"
	"vector_204\0"
	"vector_205\0"
	"vector_206\0"
	"vector_207\0"
	"vector_208\0"
	"vector_209\0"
	"vector_210\0"
	"vector_211\0"
	"vector_212\0"
	"vector_213\0"
	"vector_214\0"
	"vector_215\0"
	"vector_216\0"
	"vector_217\0"
	"vector_218\0"
	"vector_219\0"
	"vector_220\0"
	"vector_221\0"
	"vector_222\0"
	"vector_223\0"
	"vector_224\0"
	"vector_225\0"
	"vector_226\0"
	"vector_227\0"
	"vector_228\0"
	"vector_229\0"
	"vector_230\0"
	"vector_231\0"
	"vector_232\0"
	"vector_233\0"
	"vector_234\0"
	"vector_235\0"
	"vector_236\0"
	"vector_237\0"
	"vector_238\0"
	"vector_239\0"
	"vector_240\0"
	"vector_241\0"
	"vector_242\0"
	"vector_243\0"
	"vector_244\0"
	"vector_245\0"
	"vector_246\0"
	"vector_247\0"
	"vector_248\0"
	"vector_249\0"
	"vector_250\0"
	"vector_251\0"
	"vector_252\0"
	"vector_253\0"
	"vector_254\0"
	"vector_255\0"
	"trap_common\0"
	"arch_switch_stack\0"
	"__text_end\0";

const struct ksym_table kernel_ksyms = {
	ksym_entries, 353, ksym_names
};
