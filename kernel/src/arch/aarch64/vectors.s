// vectors.s: the 16-entry exception vector table and the common save/restore path.
//
// Every entry saves the interrupted context as a TrapFrame on the current
// stack (SP_EL1), calls exception_dispatch(frame, kind), restores and erets.
// The frame ends with a frame record (x29, elr) that x29 points at while the
// handler runs, so backtraces walk through the exception into the code it hit.

.equ FRAME_BYTES, {FRAME_BYTES}

.macro VECTOR kind
.balign 0x80
    sub     sp, sp, #FRAME_BYTES
    stp     x0, x1, [sp, #(0 * 16)]
    mov     x1, #\kind
    b       exception_common
.endm

// From EL0 the registers go straight into the current task's UserContext,
// whose address TPIDR_EL1 holds; the Rust handler leaves TPIDR_EL1 naming the
// task to run next, and return_to_user restores that one. A synchronous exception from
// AArch64 (syscalls among them) has its own way in, which tries the IPC fast path.
.macro VECTOR_EL0 kind
.balign 0x80
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el1
    mov     x1, #\kind
    b       user_entry
.endm

.macro VECTOR_EL0_SYNC
.balign 0x80
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el1
    b       user_sync_entry
.endm

// The kernel state's lock (kstate::KERNEL) into \reg: an argument of every handler from EL0,
// so the compiled code reaches the kernel's fields from one register.
.macro KERNEL_LOCK reg
    adrp    \reg, {KERNEL}
    add     \reg, \reg, :lo12:{KERNEL}
.endm

// Saves the task's registers into its UserContext: x0 points at it, the task's own x0 and x1
// are on the stack. Leaves x1 as it was and the task's x1 in x3.
.macro SAVE_USER_CONTEXT
    stp     x2, x3, [x0, #(1 * 16)]
    stp     x4, x5, [x0, #(2 * 16)]
    stp     x6, x7, [x0, #(3 * 16)]
    stp     x8, x9, [x0, #(4 * 16)]
    stp     x10, x11, [x0, #(5 * 16)]
    stp     x12, x13, [x0, #(6 * 16)]
    stp     x14, x15, [x0, #(7 * 16)]
    stp     x16, x17, [x0, #(8 * 16)]
    stp     x18, x19, [x0, #(9 * 16)]
    stp     x20, x21, [x0, #(10 * 16)]
    stp     x22, x23, [x0, #(11 * 16)]
    stp     x24, x25, [x0, #(12 * 16)]
    stp     x26, x27, [x0, #(13 * 16)]
    stp     x28, x29, [x0, #(14 * 16)]
    mrs     x2, sp_el0
    stp     x30, x2, [x0, #(15 * 16)]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [x0, #(16 * 16)]
    ldp     x2, x3, [sp], #16           // the task's own x0 and x1
    stp     x2, x3, [x0, #(0 * 16)]
    mov     x29, xzr                    // kernel backtraces end here
.endm

.section .text.vectors, "ax"
.balign 0x800
.global exception_vectors
exception_vectors:
    VECTOR 0    // current EL, SP_EL0: synchronous
    VECTOR 1    //                     IRQ
    VECTOR 2    //                     FIQ
    VECTOR 3    //                     SError
    VECTOR 4    // current EL, SP_ELx: synchronous
    VECTOR 5    //                     IRQ
    VECTOR 6    //                     FIQ
    VECTOR 7    //                     SError
    VECTOR_EL0_SYNC // lower EL, AArch64:  synchronous (vector 8)
    VECTOR_EL0 9    //                     IRQ
    VECTOR_EL0 10   //                     FIQ
    VECTOR_EL0 11   //                     SError
    VECTOR_EL0 12   // lower EL, AArch32:  synchronous
    VECTOR_EL0 13   //                     IRQ
    VECTOR_EL0 14   //                     FIQ
    VECTOR_EL0 15   //                     SError

exception_common:
    stp     x2, x3, [sp, #(1 * 16)]
    stp     x4, x5, [sp, #(2 * 16)]
    stp     x6, x7, [sp, #(3 * 16)]
    stp     x8, x9, [sp, #(4 * 16)]
    stp     x10, x11, [sp, #(5 * 16)]
    stp     x12, x13, [sp, #(6 * 16)]
    stp     x14, x15, [sp, #(7 * 16)]
    stp     x16, x17, [sp, #(8 * 16)]
    stp     x18, x19, [sp, #(9 * 16)]
    stp     x20, x21, [sp, #(10 * 16)]
    stp     x22, x23, [sp, #(11 * 16)]
    stp     x24, x25, [sp, #(12 * 16)]
    stp     x26, x27, [sp, #(13 * 16)]
    stp     x28, x29, [sp, #(14 * 16)]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #(15 * 16)]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #(16 * 16)]
    stp     x29, x2, [sp, #(17 * 16)]   // frame record: caller fp, faulting pc
    add     x29, sp, #(17 * 16)
    mov     x0, sp
    bl      exception_dispatch

    ldp     x2, x3, [sp, #(16 * 16)]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #(15 * 16)]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #(0 * 16)]
    ldp     x2, x3, [sp, #(1 * 16)]
    ldp     x4, x5, [sp, #(2 * 16)]
    ldp     x6, x7, [sp, #(3 * 16)]
    ldp     x8, x9, [sp, #(4 * 16)]
    ldp     x10, x11, [sp, #(5 * 16)]
    ldp     x12, x13, [sp, #(6 * 16)]
    ldp     x14, x15, [sp, #(7 * 16)]
    ldp     x16, x17, [sp, #(8 * 16)]
    ldp     x18, x19, [sp, #(9 * 16)]
    ldp     x20, x21, [sp, #(10 * 16)]
    ldp     x22, x23, [sp, #(11 * 16)]
    ldp     x24, x25, [sp, #(12 * 16)]
    ldp     x26, x27, [sp, #(13 * 16)]
    ldp     x28, x29, [sp, #(14 * 16)]
    add     sp, sp, #FRAME_BYTES
    eret

fast_with_bytes:                        // from user_sync_entry, out of the register-only way
    KERNEL_LOCK x0
    bl      fast_syscall_bytes
    b       fast_done

user_sync_entry:                        // x0 = current UserContext; vector 8
    SAVE_USER_CONTEXT
    // A call, reply_recv or reply_recv_from (svc, x8 still the task's) tries the IPC fast path
    // before any dispatch: fast_call or fast_reply_recv for a register-only message,
    // fast_syscall_bytes for one with buffer bytes (or a handle). Each returns the context to
    // run next if it did it (TPIDR_EL1 names it too), null if not.
    mrs     x2, esr_el1
    lsr     x2, x2, #26
    cmp     x2, #0x15                   // EC 0x15: SVC from AArch64
    b.ne    2f
    lsr     x3, x3, #19                 // x3 is still the task's x1: byte length and handle
    cmp     x8, #{SYS_CALL}
    b.eq    3f
    cmp     x8, #{SYS_REPLY_RECV}
    b.eq    4f
    cmp     x8, #{SYS_REPLY_RECV_FROM}
    b.ne    2f
4:
    cbnz    x3, fast_with_bytes
    KERNEL_LOCK x0
    bl      fast_reply_recv
    cbnz    x0, restore_context         // the context to run next, or null
    b       2f
3:
    cbnz    x3, fast_with_bytes
    KERNEL_LOCK x0
    bl      fast_call
fast_done:
    cbnz    x0, restore_context
2:
    mov     x1, #8                      // the general way, vector 8
    b       1f

user_entry:                             // x0 = current UserContext, x1 = vector
                                        // (user_exception: x0 = vector, x1 = kernel lock)
    SAVE_USER_CONTEXT
1:
    mov     x0, x1
    KERNEL_LOCK x1
    bl      user_exception

// Restores the task whose UserContext TPIDR_EL1 names and returns to it.
.global return_to_user
return_to_user:
    mrs     x0, tpidr_el1
restore_context:                        // x0 = the UserContext to restore
    ldp     x2, x3, [x0, #(16 * 16)]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [x0, #(15 * 16)]
    msr     sp_el0, x2
    ldp     x2, x3, [x0, #(1 * 16)]
    ldp     x4, x5, [x0, #(2 * 16)]
    ldp     x6, x7, [x0, #(3 * 16)]
    ldp     x8, x9, [x0, #(4 * 16)]
    ldp     x10, x11, [x0, #(5 * 16)]
    ldp     x12, x13, [x0, #(6 * 16)]
    ldp     x14, x15, [x0, #(7 * 16)]
    ldp     x16, x17, [x0, #(8 * 16)]
    ldp     x18, x19, [x0, #(9 * 16)]
    ldp     x20, x21, [x0, #(10 * 16)]
    ldp     x22, x23, [x0, #(11 * 16)]
    ldp     x24, x25, [x0, #(12 * 16)]
    ldp     x26, x27, [x0, #(13 * 16)]
    ldp     x28, x29, [x0, #(14 * 16)]
    ldp     x0, x1, [x0, #(0 * 16)]
    eret

// enter_user(): resets the kernel stack and returns to the task whose context
// TPIDR_EL1 names (nothing on the kernel stack survives).
.global enter_user_asm
enter_user_asm:
    ldr     x1, =__boot_stack_top
    mov     sp, x1
    b       return_to_user
.ltorg
