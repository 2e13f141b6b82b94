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
	{ 0xffffffff80102270ull, 2740, 277 },	/* machine_discover */
	{ 0xffffffff80102d30ull, 265, 294 },	/* cmdline_get */
	{ 0xffffffff80102e40ull, 52, 306 },	/* boot_map */
	{ 0xffffffff80102e80ull, 29, 315 },	/* boot_warn */
	{ 0xffffffff80102ea0ull, 67, 325 },	/* kmain */
	{ 0xffffffff80102ef0ull, 432, 331 },	/* bsp_main */
	{ 0xffffffff801030a0ull, 28, 340 },	/* ap_entry */
	{ 0xffffffff801030c0ull, 46, 349 },	/* ap_main */
	{ 0xffffffff801030f0ull, 133, 357 },	/* panic */
	{ 0xffffffff80103180ull, 71, 363 },	/* pmem_init */
	{ 0xffffffff801031d0ull, 177, 373 },	/* pmem_alloc_contig */
	{ 0xffffffff80103290ull, 192, 391 },	/* pmem_alloc */
	{ 0xffffffff80103350ull, 177, 402 },	/* pmem_free_bytes */
	{ 0xffffffff80103410ull, 34, 418 },	/* arch_set_this_core */
	{ 0xffffffff80103440ull, 322, 437 },	/* arch_core_init */
	{ 0xffffffff80103590ull, 18, 452 },	/* arch_has_core */
	{ 0xffffffff801035b0ull, 17, 466 },	/* arch_timestamp */
	{ 0xffffffff801035d0ull, 9, 481 },	/* arch_wait_for_interrupt */
	{ 0xffffffff801035e0ull, 20, 505 },	/* arch_halt_core */
	{ 0xffffffff80103600ull, 20, 520 },	/* arch_exit_qemu */
	{ 0xffffffff80103620ull, 16, 535 },	/* arch_fault_divide */
	{ 0xffffffff80103630ull, 18, 553 },	/* arch_fault_page */
	{ 0xffffffff80103650ull, 8, 569 },	/* arch_fault_invalid_opcode */
	{ 0xffffffff80103660ull, 17, 595 },	/* lapic_eoi */
	{ 0xffffffff80103680ull, 16, 605 },	/* lapic_id */
	{ 0xffffffff80103690ull, 62, 614 },	/* lapic_send_ipi */
	{ 0xffffffff801036d0ull, 78, 629 },	/* arch_doorbell */
	{ 0xffffffff80103720ull, 13, 643 },	/* arch_timestamp_hz */
	{ 0xffffffff80103730ull, 454, 661 },	/* lapic_init_core */
	{ 0xffffffff80103900ull, 493, 677 },	/* paging_init_core */
	{ 0xffffffff80103af0ull, 373, 694 },	/* map */
	{ 0xffffffff80103c70ull, 329, 698 },	/* arch_boot_map_extend */
	{ 0xffffffff80103dc0ull, 55, 719 },	/* arch_console_init */
	{ 0xffffffff80103e00ull, 37, 737 },	/* arch_console_putc */
	{ 0xffffffff80103e30ull, 549, 755 },	/* arch_start_core */
	{ 0xffffffff80104060ull, 26, 771 },	/* smp_check_in */
	{ 0xffffffff80104080ull, 27, 784 },	/* trap_name */
	{ 0xffffffff801040a0ull, 121, 794 },	/* trap_init_idt */
	{ 0xffffffff80104120ull, 251, 808 },	/* trap_dispatch */
	{ 0xffffffff80104220ull, 1286, 822 },	/* report_fault */
	{ 0xffffffff80104730ull, 148, 835 },	/* say */
	{ 0xffffffff801047d0ull, 28, 839 },	/* err_name */
	{ 0xffffffff801047f0ull, 28, 848 },	/* err_msg */
	{ 0xffffffff80104810ull, 3182, 856 },	/* fmt_vformat */
	{ 0xffffffff80105480ull, 72, 868 },	/* fmt_vsnprintf */
	{ 0xffffffff801054d0ull, 31, 882 },	/* buf_put */
	{ 0xffffffff801054f0ull, 118, 890 },	/* fmt_snprintf */
	{ 0xffffffff80105570ull, 361, 903 },	/* put_field */
	{ 0xffffffff801056e0ull, 681, 913 },	/* memcpy */
	{ 0xffffffff80105990ull, 1417, 920 },	/* memmove */
	{ 0xffffffff80105f20ull, 514, 928 },	/* memset */
	{ 0xffffffff80106130ull, 48, 935 },	/* memcmp */
	{ 0xffffffff80106160ull, 29, 942 },	/* strlen */
	{ 0xffffffff80106180ull, 36, 949 },	/* strnlen */
	{ 0xffffffff801061b0ull, 47, 957 },	/* strcmp */
	{ 0xffffffff801061e0ull, 55, 964 },	/* strncmp */
	{ 0xffffffff80106220ull, 54, 972 },	/* strchr */
	{ 0xffffffff80106260ull, 734, 979 },	/* strlcpy */
	{ 0xffffffff80106540ull, 142, 987 },	/* ksym_lookup */
	{ 0xffffffff801065d0ull, 70, 999 },	/* memmap_add */
	{ 0xffffffff80106620ull, 735, 1010 },	/* memmap_usable */
	{ 0xffffffff80106900ull, 143, 1024 },	/* memmap_total */
	{ 0xffffffff80106990ull, 1607, 1037 },	/* mb_parse */
	{ 0xffffffff80106fe0ull, 222, 1046 },	/* acpi_find_rsdp */
	{ 0xffffffff801070c0ull, 3934, 1061 },	/* acpi_parse */
	{ 0xffffffff80108020ull, 445, 1072 },	/* rsdp_read */
	{ 0xffffffff801081e0ull, 9, 1082 },	/* get64 */
	{ 0xffffffff801081f0ull, 1249, 1088 },	/* memshare_split */
	{ 0xffffffff801086e0ull, 937, 1103 },	/* walk */
	{ 0xffffffff80108a90ull, 787, 1108 },	/* memshare_check */
	{ 0xffffffff80108da4ull, 0, 1123 },	/* boot_higher_half */
	{ 0xffffffff80108dc0ull, 0, 1140 },	/* vector_0 */
	{ 0xffffffff80108dd0ull, 0, 1149 },	/* vector_1 */
	{ 0xffffffff80108de0ull, 0, 1158 },	/* vector_2 */
	{ 0xffffffff80108df0ull, 0, 1167 },	/* vector_3 */
	{ 0xffffffff80108e00ull, 0, 1176 },	/* vector_4 */
	{ 0xffffffff80108e10ull, 0, 1185 },	/* vector_5 */
	{ 0xffffffff80108e20ull, 0, 1194 },	/* vector_6 */
	{ 0xffffffff80108e30ull, 0, 1203 },	/* vector_7 */
	{ 0xffffffff80108e40ull, 0, 1212 },	/* vector_8 */
	{ 0xffffffff80108e50ull, 0, 1221 },	/* vector_9 */
	{ 0xffffffff80108e60ull, 0, 1230 },	/* vector_10 */
	{ 0xffffffff80108e70ull, 0, 1240 },	/* vector_11 */
	{ 0xffffffff80108e80ull, 0, 1250 },	/* vector_12 */
	{ 0xffffffff80108e90ull, 0, 1260 },	/* vector_13 */
	{ 0xffffffff80108ea0ull, 0, 1270 },	/* vector_14 */
	{ 0xffffffff80108eb0ull, 0, 1280 },	/* vector_15 */
	{ 0xffffffff80108ec0ull, 0, 1290 },	/* vector_16 */
	{ 0xffffffff80108ed0ull, 0, 1300 },	/* vector_17 */
	{ 0xffffffff80108ee0ull, 0, 1310 },	/* vector_18 */
	{ 0xffffffff80108ef0ull, 0, 1320 },	/* vector_19 */
	{ 0xffffffff80108f00ull, 0, 1330 },	/* vector_20 */
	{ 0xffffffff80108f10ull, 0, 1340 },	/* vector_21 */
	{ 0xffffffff80108f20ull, 0, 1350 },	/* vector_22 */
	{ 0xffffffff80108f30ull, 0, 1360 },	/* vector_23 */
	{ 0xffffffff80108f40ull, 0, 1370 },	/* vector_24 */
	{ 0xffffffff80108f50ull, 0, 1380 },	/* vector_25 */
	{ 0xffffffff80108f60ull, 0, 1390 },	/* vector_26 */
	{ 0xffffffff80108f70ull, 0, 1400 },	/* vector_27 */
	{ 0xffffffff80108f80ull, 0, 1410 },	/* vector_28 */
	{ 0xffffffff80108f90ull, 0, 1420 },	/* vector_29 */
	{ 0xffffffff80108fa0ull, 0, 1430 },	/* vector_30 */
	{ 0xffffffff80108fb0ull, 0, 1440 },	/* vector_31 */
	{ 0xffffffff80108fc0ull, 0, 1450 },	/* vector_32 */
	{ 0xffffffff80108fd0ull, 0, 1460 },	/* vector_33 */
	{ 0xffffffff80108fe0ull, 0, 1470 },	/* vector_34 */
	{ 0xffffffff80108ff0ull, 0, 1480 },	/* vector_35 */
	{ 0xffffffff80109000ull, 0, 1490 },	/* vector_36 */
	{ 0xffffffff80109010ull, 0, 1500 },	/* vector_37 */
	{ 0xffffffff80109020ull, 0, 1510 },	/* vector_38 */
	{ 0xffffffff80109030ull, 0, 1520 },	/* vector_39 */
	{ 0xffffffff80109040ull, 0, 1530 },	/* vector_40 */
	{ 0xffffffff80109050ull, 0, 1540 },	/* vector_41 */
	{ 0xffffffff80109060ull, 0, 1550 },	/* vector_42 */
	{ 0xffffffff80109070ull, 0, 1560 },	/* vector_43 */
	{ 0xffffffff80109080ull, 0, 1570 },	/* vector_44 */
	{ 0xffffffff80109090ull, 0, 1580 },	/* vector_45 */
	{ 0xffffffff801090a0ull, 0, 1590 },	/* vector_46 */
	{ 0xffffffff801090b0ull, 0, 1600 },	/* vector_47 */
	{ 0xffffffff801090c0ull, 0, 1610 },	/* vector_48 */
	{ 0xffffffff801090d0ull, 0, 1620 },	/* vector_49 */
	{ 0xffffffff801090e0ull, 0, 1630 },	/* vector_50 */
	{ 0xffffffff801090f0ull, 0, 1640 },	/* vector_51 */
	{ 0xffffffff80109100ull, 0, 1650 },	/* vector_52 */
	{ 0xffffffff80109110ull, 0, 1660 },	/* vector_53 */
	{ 0xffffffff80109120ull, 0, 1670 },	/* vector_54 */
	{ 0xffffffff80109130ull, 0, 1680 },	/* vector_55 */
	{ 0xffffffff80109140ull, 0, 1690 },	/* vector_56 */
	{ 0xffffffff80109150ull, 0, 1700 },	/* vector_57 */
	{ 0xffffffff80109160ull, 0, 1710 },	/* vector_58 */
	{ 0xffffffff80109170ull, 0, 1720 },	/* vector_59 */
	{ 0xffffffff80109180ull, 0, 1730 },	/* vector_60 */
	{ 0xffffffff80109190ull, 0, 1740 },	/* vector_61 */
	{ 0xffffffff801091a0ull, 0, 1750 },	/* vector_62 */
	{ 0xffffffff801091b0ull, 0, 1760 },	/* vector_63 */
	{ 0xffffffff801091c0ull, 0, 1770 },	/* vector_64 */
	{ 0xffffffff801091d0ull, 0, 1780 },	/* vector_65 */
	{ 0xffffffff801091e0ull, 0, 1790 },	/* vector_66 */
	{ 0xffffffff801091f0ull, 0, 1800 },	/* vector_67 */
	{ 0xffffffff80109200ull, 0, 1810 },	/* vector_68 */
	{ 0xffffffff80109210ull, 0, 1820 },	/* vector_69 */
	{ 0xffffffff80109220ull, 0, 1830 },	/* vector_70 */
	{ 0xffffffff80109230ull, 0, 1840 },	/* vector_71 */
	{ 0xffffffff80109240ull, 0, 1850 },	/* vector_72 */
	{ 0xffffffff80109250ull, 0, 1860 },	/* vector_73 */
	{ 0xffffffff80109260ull, 0, 1870 },	/* vector_74 */
	{ 0xffffffff80109270ull, 0, 1880 },	/* vector_75 */
	{ 0xffffffff80109280ull, 0, 1890 },	/* vector_76 */
	{ 0xffffffff80109290ull, 0, 1900 },	/* vector_77 */
	{ 0xffffffff801092a0ull, 0, 1910 },	/* vector_78 */
	{ 0xffffffff801092b0ull, 0, 1920 },	/* vector_79 */
	{ 0xffffffff801092c0ull, 0, 1930 },	/* vector_80 */
	{ 0xffffffff801092d0ull, 0, 1940 },	/* vector_81 */
	{ 0xffffffff801092e0ull, 0, 1950 },	/* vector_82 */
	{ 0xffffffff801092f0ull, 0, 1960 },	/* vector_83 */
	{ 0xffffffff80109300ull, 0, 1970 },	/* vector_84 */
	{ 0xffffffff80109310ull, 0, 1980 },	/* vector_85 */
	{ 0xffffffff80109320ull, 0, 1990 },	/* vector_86 */
	{ 0xffffffff80109330ull, 0, 2000 },	/* vector_87 */
	{ 0xffffffff80109340ull, 0, 2010 },	/* vector_88 */
	{ 0xffffffff80109350ull, 0, 2020 },	/* vector_89 */
	{ 0xffffffff80109360ull, 0, 2030 },	/* vector_90 */
	{ 0xffffffff80109370ull, 0, 2040 },	/* vector_91 */
	{ 0xffffffff80109380ull, 0, 2050 },	/* vector_92 */
	{ 0xffffffff80109390ull, 0, 2060 },	/* vector_93 */
	{ 0xffffffff801093a0ull, 0, 2070 },	/* vector_94 */
	{ 0xffffffff801093b0ull, 0, 2080 },	/* vector_95 */
	{ 0xffffffff801093c0ull, 0, 2090 },	/* vector_96 */
	{ 0xffffffff801093d0ull, 0, 2100 },	/* vector_97 */
	{ 0xffffffff801093e0ull, 0, 2110 },	/* vector_98 */
	{ 0xffffffff801093f0ull, 0, 2120 },	/* vector_99 */
	{ 0xffffffff80109400ull, 0, 2130 },	/* vector_100 */
	{ 0xffffffff80109410ull, 0, 2141 },	/* vector_101 */
	{ 0xffffffff80109420ull, 0, 2152 },	/* vector_102 */
	{ 0xffffffff80109430ull, 0, 2163 },	/* vector_103 */
	{ 0xffffffff80109440ull, 0, 2174 },	/* vector_104 */
	{ 0xffffffff80109450ull, 0, 2185 },	/* vector_105 */
	{ 0xffffffff80109460ull, 0, 2196 },	/* vector_106 */
	{ 0xffffffff80109470ull, 0, 2207 },	/* vector_107 */
	{ 0xffffffff80109480ull, 0, 2218 },	/* vector_108 */
	{ 0xffffffff80109490ull, 0, 2229 },	/* vector_109 */
	{ 0xffffffff801094a0ull, 0, 2240 },	/* vector_110 */
	{ 0xffffffff801094b0ull, 0, 2251 },	/* vector_111 */
	{ 0xffffffff801094c0ull, 0, 2262 },	/* vector_112 */
	{ 0xffffffff801094d0ull, 0, 2273 },	/* vector_113 */
	{ 0xffffffff801094e0ull, 0, 2284 },	/* vector_114 */
	{ 0xffffffff801094f0ull, 0, 2295 },	/* vector_115 */
	{ 0xffffffff80109500ull, 0, 2306 },	/* vector_116 */
	{ 0xffffffff80109510ull, 0, 2317 },	/* vector_117 */
	{ 0xffffffff80109520ull, 0, 2328 },	/* vector_118 */
	{ 0xffffffff80109530ull, 0, 2339 },	/* vector_119 */
	{ 0xffffffff80109540ull, 0, 2350 },	/* vector_120 */
	{ 0xffffffff80109550ull, 0, 2361 },	/* vector_121 */
	{ 0xffffffff80109560ull, 0, 2372 },	/* vector_122 */
	{ 0xffffffff80109570ull, 0, 2383 },	/* vector_123 */
	{ 0xffffffff80109580ull, 0, 2394 },	/* vector_124 */
	{ 0xffffffff80109590ull, 0, 2405 },	/* vector_125 */
	{ 0xffffffff801095a0ull, 0, 2416 },	/* vector_126 */
	{ 0xffffffff801095b0ull, 0, 2427 },	/* vector_127 */
	{ 0xffffffff801095c0ull, 0, 2438 },	/* vector_128 */
	{ 0xffffffff801095d0ull, 0, 2449 },	/* vector_129 */
	{ 0xffffffff801095e0ull, 0, 2460 },	/* vector_130 */
	{ 0xffffffff801095f0ull, 0, 2471 },	/* vector_131 */
	{ 0xffffffff80109600ull, 0, 2482 },	/* vector_132 */
	{ 0xffffffff80109610ull, 0, 2493 },	/* vector_133 */
	{ 0xffffffff80109620ull, 0, 2504 },	/* vector_134 */
	{ 0xffffffff80109630ull, 0, 2515 },	/* vector_135 */
	{ 0xffffffff80109640ull, 0, 2526 },	/* vector_136 */
	{ 0xffffffff80109650ull, 0, 2537 },	/* vector_137 */
	{ 0xffffffff80109660ull, 0, 2548 },	/* vector_138 */
	{ 0xffffffff80109670ull, 0, 2559 },	/* vector_139 */
	{ 0xffffffff80109680ull, 0, 2570 },	/* vector_140 */
	{ 0xffffffff80109690ull, 0, 2581 },	/* vector_141 */
	{ 0xffffffff801096a0ull, 0, 2592 },	/* vector_142 */
	{ 0xffffffff801096b0ull, 0, 2603 },	/* vector_143 */
	{ 0xffffffff801096c0ull, 0, 2614 },	/* vector_144 */
	{ 0xffffffff801096d0ull, 0, 2625 },	/* vector_145 */
	{ 0xffffffff801096e0ull, 0, 2636 },	/* vector_146 */
	{ 0xffffffff801096f0ull, 0, 2647 },	/* vector_147 */
	{ 0xffffffff80109700ull, 0, 2658 },	/* vector_148 */
	{ 0xffffffff80109710ull, 0, 2669 },	/* vector_149 */
	{ 0xffffffff80109720ull, 0, 2680 },	/* vector_150 */
	{ 0xffffffff80109730ull, 0, 2691 },	/* vector_151 */
	{ 0xffffffff80109740ull, 0, 2702 },	/* vector_152 */
	{ 0xffffffff80109750ull, 0, 2713 },	/* vector_153 */
	{ 0xffffffff80109760ull, 0, 2724 },	/* vector_154 */
	{ 0xffffffff80109770ull, 0, 2735 },	/* vector_155 */
	{ 0xffffffff80109780ull, 0, 2746 },	/* vector_156 */
	{ 0xffffffff80109790ull, 0, 2757 },	/* vector_157 */
	{ 0xffffffff801097a0ull, 0, 2768 },	/* vector_158 */
	{ 0xffffffff801097b0ull, 0, 2779 },	/* vector_159 */
	{ 0xffffffff801097c0ull, 0, 2790 },	/* vector_160 */
	{ 0xffffffff801097d0ull, 0, 2801 },	/* vector_161 */
	{ 0xffffffff801097e0ull, 0, 2812 },	/* vector_162 */
	{ 0xffffffff801097f0ull, 0, 2823 },	/* vector_163 */
	{ 0xffffffff80109800ull, 0, 2834 },	/* vector_164 */
	{ 0xffffffff80109810ull, 0, 2845 },	/* vector_165 */
	{ 0xffffffff80109820ull, 0, 2856 },	/* vector_166 */
	{ 0xffffffff80109830ull, 0, 2867 },	/* vector_167 */
	{ 0xffffffff80109840ull, 0, 2878 },	/* vector_168 */
	{ 0xffffffff80109850ull, 0, 2889 },	/* vector_169 */
	{ 0xffffffff80109860ull, 0, 2900 },	/* vector_170 */
	{ 0xffffffff80109870ull, 0, 2911 },	/* vector_171 */
	{ 0xffffffff80109880ull, 0, 2922 },	/* vector_172 */
	{ 0xffffffff80109890ull, 0, 2933 },	/* vector_173 */
	{ 0xffffffff801098a0ull, 0, 2944 },	/* vector_174 */
	{ 0xffffffff801098b0ull, 0, 2955 },	/* vector_175 */
	{ 0xffffffff801098c0ull, 0, 2966 },	/* vector_176 */
	{ 0xffffffff801098d0ull, 0, 2977 },	/* vector_177 */
	{ 0xffffffff801098e0ull, 0, 2988 },	/* vector_178 */
	{ 0xffffffff801098f0ull, 0, 2999 },	/* vector_179 */
	{ 0xffffffff80109900ull, 0, 3010 },	/* vector_180 */
	{ 0xffffffff80109910ull, 0, 3021 },	/* vector_181 */
	{ 0xffffffff80109920ull, 0, 3032 },	/* vector_182 */
	{ 0xffffffff80109930ull, 0, 3043 },	/* vector_183 */
	{ 0xffffffff80109940ull, 0, 3054 },	/* vector_184 */
	{ 0xffffffff80109950ull, 0, 3065 },	/* vector_185 */
	{ 0xffffffff80109960ull, 0, 3076 },	/* vector_186 */
	{ 0xffffffff80109970ull, 0, 3087 },	/* vector_187 */
	{ 0xffffffff80109980ull, 0, 3098 },	/* vector_188 */
	{ 0xffffffff80109990ull, 0, 3109 },	/* vector_189 */
	{ 0xffffffff801099a0ull, 0, 3120 },	/* vector_190 */
	{ 0xffffffff801099b0ull, 0, 3131 },	/* vector_191 */
	{ 0xffffffff801099c0ull, 0, 3142 },	/* vector_192 */
	{ 0xffffffff801099d0ull, 0, 3153 },	/* vector_193 */
	{ 0xffffffff801099e0ull, 0, 3164 },	/* vector_194 */
	{ 0xffffffff801099f0ull, 0, 3175 },	/* vector_195 */
	{ 0xffffffff80109a00ull, 0, 3186 },	/* vector_196 */
	{ 0xffffffff80109a10ull, 0, 3197 },	/* vector_197 */
	{ 0xffffffff80109a20ull, 0, 3208 },	/* vector_198 */
	{ 0xffffffff80109a30ull, 0, 3219 },	/* vector_199 */
	{ 0xffffffff80109a40ull, 0, 3230 },	/* vector_200 */
	{ 0xffffffff80109a50ull, 0, 3241 },	/* vector_201 */
	{ 0xffffffff80109a60ull, 0, 3252 },	/* vector_202 */
	{ 0xffffffff80109a70ull, 0, 3263 },	/* vector_203 */
	{ 0xffffffff80109a80ull, 0, 3274 },	/* vector_204 */
	{ 0xffffffff80109a90ull, 0, 3285 },	/* vector_205 */
	{ 0xffffffff80109aa0ull, 0, 3296 },	/* vector_206 */
	{ 0xffffffff80109ab0ull, 0, 3307 },	/* vector_207 */
	{ 0xffffffff80109ac0ull, 0, 3318 },	/* vector_208 */
	{ 0xffffffff80109ad0ull, 0, 3329 },	/* vector_209 */
	{ 0xffffffff80109ae0ull, 0, 3340 },	/* vector_210 */
	{ 0xffffffff80109af0ull, 0, 3351 },	/* vector_211 */
	{ 0xffffffff80109b00ull, 0, 3362 },	/* vector_212 */
	{ 0xffffffff80109b10ull, 0, 3373 },	/* vector_213 */
	{ 0xffffffff80109b20ull, 0, 3384 },	/* vector_214 */
	{ 0xffffffff80109b30ull, 0, 3395 },	/* vector_215 */
	{ 0xffffffff80109b40ull, 0, 3406 },	/* vector_216 */
	{ 0xffffffff80109b50ull, 0, 3417 },	/* vector_217 */
	{ 0xffffffff80109b60ull, 0, 3428 },	/* vector_218 */
	{ 0xffffffff80109b70ull, 0, 3439 },	/* vector_219 */
	{ 0xffffffff80109b80ull, 0, 3450 },	/* vector_220 */
	{ 0xffffffff80109b90ull, 0, 3461 },	/* vector_221 */
	{ 0xffffffff80109ba0ull, 0, 3472 },	/* vector_222 */
	{ 0xffffffff80109bb0ull, 0, 3483 },	/* vector_223 */
	{ 0xffffffff80109bc0ull, 0, 3494 },	/* vector_224 */
	{ 0xffffffff80109bd0ull, 0, 3505 },	/* vector_225 */
	{ 0xffffffff80109be0ull, 0, 3516 },	/* vector_226 */
	{ 0xffffffff80109bf0ull, 0, 3527 },	/* vector_227 */
	{ 0xffffffff80109c00ull, 0, 3538 },	/* vector_228 */
	{ 0xffffffff80109c10ull, 0, 3549 },	/* vector_229 */
	{ 0xffffffff80109c20ull, 0, 3560 },	/* vector_230 */
	{ 0xffffffff80109c30ull, 0, 3571 },	/* vector_231 */
	{ 0xffffffff80109c40ull, 0, 3582 },	/* vector_232 */
	{ 0xffffffff80109c50ull, 0, 3593 },	/* vector_233 */
	{ 0xffffffff80109c60ull, 0, 3604 },	/* vector_234 */
	{ 0xffffffff80109c70ull, 0, 3615 },	/* vector_235 */
	{ 0xffffffff80109c80ull, 0, 3626 },	/* vector_236 */
	{ 0xffffffff80109c90ull, 0, 3637 },	/* vector_237 */
	{ 0xffffffff80109ca0ull, 0, 3648 },	/* vector_238 */
	{ 0xffffffff80109cb0ull, 0, 3659 },	/* vector_239 */
	{ 0xffffffff80109cc0ull, 0, 3670 },	/* vector_240 */
	{ 0xffffffff80109cd0ull, 0, 3681 },	/* vector_241 */
	{ 0xffffffff80109ce0ull, 0, 3692 },	/* vector_242 */
	{ 0xffffffff80109cf0ull, 0, 3703 },	/* vector_243 */
	{ 0xffffffff80109d00ull, 0, 3714 },	/* vector_244 */
	{ 0xffffffff80109d10ull, 0, 3725 },	/* vector_245 */
	{ 0xffffffff80109d20ull, 0, 3736 },	/* vector_246 */
	{ 0xffffffff80109d30ull, 0, 3747 },	/* vector_247 */
	{ 0xffffffff80109d40ull, 0, 3758 },	/* vector_248 */
	{ 0xffffffff80109d50ull, 0, 3769 },	/* vector_249 */
	{ 0xffffffff80109d60ull, 0, 3780 },	/* vector_250 */
	{ 0xffffffff80109d70ull, 0, 3791 },	/* vector_251 */
	{ 0xffffffff80109d80ull, 0, 3802 },	/* vector_252 */
	{ 0xffffffff80109d90ull, 0, 3813 },	/* vector_253 */
	{ 0xffffffff80109da0ull, 0, 3824 },	/* vector_254 */
	{ 0xffffffff80109db0ull, 0, 3835 },	/* vector_255 */
	{ 0xffffffff80109db9ull, 0, 3846 },	/* trap_common */
	{ 0xffffffff80109e14ull, 0, 3858 },	/* arch_switch_stack */
	{ 0xffffffff80109e20ull, 0, 3876 },	/* __text_end */
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
	ksym_entries, 352, ksym_names
};
