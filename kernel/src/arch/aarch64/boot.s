// boot.s: first instructions of the kernel, from the load address to Rust.
//
// Runs at the physical load address with the MMU off, so everything here is
// position independent (adr/adrp) until the jump to the linked upper-half
// address. Constants in braces come from boot.rs (Rust `const` operands).

.section .text.boot, "ax"
.global _start
_start:
    mov     x19, x0                 // ATAG list (or DTB) pointer from the loader
    mrs     x1, mpidr_el1
    and     x1, x1, #0xff
    cbnz    x1, park_secondary      // only core 0 boots; the others wait

    // Cores 1-3 wait in the loader's spin loop, which polls with WFE: under
    // QEMU's TCG that is a busy loop burning a host CPU each. Release them into
    // sleep_secondary, which sleeps in WFI (spin-table slots 0xe0, 0xe8, 0xf0).
    adr     x2, sleep_secondary
    mov     x3, #0xe0
    str     x2, [x3]
    str     x2, [x3, #8]
    str     x2, [x3, #16]
    dsb     sy
    sev

    mrs     x20, CurrentEL
    lsr     x20, x20, #2            // x20 = exception level we were entered at
    cmp     x20, #2
    b.eq    from_el2
    cmp     x20, #1
    b.eq    at_el1
    b       halt                    // EL3 (no Pi 3 loader enters there): refuse

from_el2:
    mov     x1, #3                  // CNTHCTL_EL2: EL1PCTEN | EL1PCEN (counter and timer at EL1)
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mrs     x1, pmcr_el0            // MDCR_EL2.HPMN = PMCR_EL0.N: every PMU counter to EL1/EL0
    ubfx    x1, x1, #11, #5
    msr     mdcr_el2, x1
    mov     x1, #(1 << 31)          // HCR_EL2.RW: EL1 runs AArch64
    msr     hcr_el2, x1
    mov     x1, #0x3c5              // SPSR_EL2: D, A, I, F masked; EL1h
    msr     spsr_el2, x1
    adr     x1, at_el1
    msr     elr_el2, x1
    eret

at_el1:
    ldr     x1, ={SCTLR_MMU_OFF}
    msr     sctlr_el1, x1           // MMU and caches off, known state
    isb

    adrp    x1, __bss_start         // zero BSS (physical addresses)
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    bl      build_boot_tables

    ldr     x1, ={MAIR}
    msr     mair_el1, x1
    ldr     x1, ={TCR}
    msr     tcr_el1, x1
    adrp    x1, boot_l1_lo
    msr     ttbr0_el1, x1           // identity map: the PC is physical until the jump below
    adrp    x1, boot_l1_hi
    msr     ttbr1_el1, x1
    dsb     ish
    tlbi    vmalle1
    dsb     ish
    isb
    ldr     x1, ={SCTLR_MMU_ON}
    msr     sctlr_el1, x1
    isb

    ldr     x1, =upper_half         // absolute, linked address
    br      x1
upper_half:
    ldr     x1, =__boot_stack_top
    mov     sp, x1
    mov     x29, xzr                // end of the frame-pointer chain
    mov     x30, xzr
    mov     x0, x19
    mov     x1, x20
    bl      kernel_entry            // defined by the kernel binary; never returns
    b       halt

// Core-local boot page tables, physical addresses, MMU off.
// boot_l2 maps the first GiB in 2 MiB blocks (RAM normal, peripherals from
// PERIPHERAL_BASE device); L1 entry 1 maps the next GiB (the local interrupt
// controller at 0x40000000) as one device block. The same tables serve the
// identity map (TTBR0) and the upper half (TTBR1). Rust replaces them with
// page-granular tables as soon as the frame allocator runs.
build_boot_tables:
    adrp    x0, boot_l2
    mov     x1, #0
    ldr     x3, ={PERIPHERAL_BASE}
    ldr     x4, ={BLOCK_NORMAL}
    ldr     x5, ={BLOCK_DEVICE}
3:  lsl     x2, x1, #21
    cmp     x2, x3
    csel    x6, x4, x5, lo
    orr     x2, x2, x6
    str     x2, [x0, x1, lsl #3]
    add     x1, x1, #1
    cmp     x1, #512
    b.lo    3b

    adrp    x5, boot_l1_lo
    adrp    x6, boot_l1_hi
    orr     x2, x0, #3              // table descriptor to boot_l2
    str     x2, [x5]
    str     x2, [x6]
    ldr     x2, ={L1_DEVICE_GIB1}
    str     x2, [x5, #8]
    str     x2, [x6, #8]

    // Discard any stale cache lines over the tables before walks may use the cache.
    adrp    x1, boot_l1_lo
    add     x2, x1, #(3 * 4096)
4:  dc      ivac, x1
    add     x1, x1, #64
    cmp     x1, x2
    b.lo    4b
    dsb     ish
    ret

// Cores 1-3: wait for an entry address in the spin table (0xd8 + 8 * core),
// the protocol of the Pi firmware's armstub, so a later SMP step can wake them.
park_secondary:
    mov     x2, #0xd8
    add     x2, x2, x1, lsl #3
5:  wfe
    ldr     x3, [x2]
    cbz     x3, 5b
    br      x3

// Cores 1-3 until mica runs on more than one core: every interrupt masked,
// asleep in WFI (nothing is routed to them, so they never wake).
sleep_secondary:
    msr     daifset, #0xf
6:  wfi
    b       6b

.global halt
halt:
    wfe
    b       halt

.ltorg

.section .bss.boot_tables, "aw", @nobits
.balign 4096
.global boot_l1_lo
boot_l1_lo: .space 4096
boot_l1_hi: .space 4096
boot_l2:    .space 4096

.section .bss.boot_stack, "aw", @nobits
.balign 16
.global __boot_stack_bottom
__boot_stack_bottom:
    .space {BOOT_STACK_BYTES}
.global __boot_stack_top
__boot_stack_top:
