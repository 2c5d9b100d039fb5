// start.s: the loader's first instructions: copy the image to its link address, clear BSS, park cores 1-3, call Rust.
//
// Runs wherever the firmware loaded the image (0x80000) with the MMU off, so
// everything up to the jump to loader_main is position independent. x0-x3
// hold the firmware's arguments (x0 = DTB or ATAG pointer) and reach
// loader_main untouched, which hands them to the kernel it receives.
// Constants in braces come from main.rs.

.global __chainload_link_addr
.set __chainload_link_addr, {LOADER_ADDR}

.section .text.start, "ax"
.global _start
_start:
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    cbnz    x9, secondary_wait      // only core 0 loads; see secondary_wait

    adr     x10, _start             // where we run
    ldr     x11, =__loader_start    // where we are linked
    ldr     x12, =__image_end
    cmp     x10, x11
    b.eq    2f                      // already there (loaded as an ELF)
    mov     x13, x11
1:  ldp     x14, x15, [x10], #16
    stp     x14, x15, [x13], #16
    cmp     x13, x12
    b.lo    1b

2:  ldr     x13, =__bss_start
    ldr     x12, =__bss_end
3:  cmp     x13, x12
    b.hs    4f
    stp     xzr, xzr, [x13], #16
    b       3b

4:  ic      iallu                   // the copy is code: fetch it from memory, not stale lines
    dsb     sy
    isb

    // Cores 1-3 wait in the firmware's spin loop, which polls with WFE: under
    // QEMU's TCG a busy loop each, starving the emulator that feeds us the
    // image. Release them into park, in the copy (spin-table slots 0xe0,
    // 0xe8, 0xf0). Cores that were started here too may now go there as well.
    ldr     x10, =chainload_park
    mov     x11, #{SPIN_TABLE}
    str     x10, [x11, #8]
    str     x10, [x11, #16]
    str     x10, [x11, #24]
    adr     x10, secondaries_go
    mov     x11, #1
    str     x11, [x10]
    dsb     sy
    sev

    ldr     x10, =__stack_top
    mov     sp, x10
    mov     x29, xzr                // end of the frame-pointer chain
    mov     x30, xzr
    ldr     x10, ={MAIN}            // absolute: in the copy
    br      x10                     // loader_main(x0, x1, x2, x3) never returns

// Cores 1-3 normally wait in the firmware's spin loop and never come here. If
// a firmware starts every core at the image, they wait until core 0 has made
// the copy (the code here is overwritten by the kernel received later).
secondary_wait:
    adr     x10, secondaries_go
5:  wfe
    ldr     x11, [x10]
    cbz     x11, 5b
    ldr     x10, =chainload_park
    br      x10

.ltorg

.balign 8
secondaries_go:
    .quad   0

// Cores 1-3, in the copy, until the next kernel releases them the firmware's
// way: an address in the spin table at 0xd8 + 8 * core, then SEV. WFE would
// see the SEV at once but under QEMU never sleeps, so they sleep in WFI and
// look at the slot every millisecond, woken by their virtual timer (routed to
// the core's IRQ line, which wakes WFI although IRQs stay masked). On release
// the timer and its routing go back to off and x0-x3 to zero, as the firmware
// leaves them.
.section .text.park, "ax"
.global chainload_park
chainload_park:
    msr     daifset, #0xf
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    mov     x10, #{SPIN_TABLE}
    add     x10, x10, x9, lsl #3    // this core's slot
    str     xzr, [x10]              // empty it: whatever appears next is the release
    ldr     x11, ={TIMER_CONTROL}
    add     x11, x11, x9, lsl #2    // this core's timer interrupt control
    mov     w12, #{CNTV_IRQ}
    str     w12, [x11]
    mrs     x12, cntfrq_el0
    lsr     x12, x12, #10           // about a millisecond of ticks
    mov     x13, #1
    msr     cntv_ctl_el0, x13       // enabled, output not masked
6:  msr     cntv_tval_el0, x12
    isb
    wfi
    ldr     x14, [x10]
    cbz     x14, 6b
    msr     cntv_ctl_el0, xzr
    str     wzr, [x11]
    dsb     sy
    isb
    mov     x0, xzr
    mov     x1, xzr
    mov     x2, xzr
    mov     x3, xzr
    br      x14
