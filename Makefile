# mica's front door: every user-facing command. `make help` lists them.

TARGET    := aarch64-unknown-none-softfloat
BUILD     := build
PROFILE   := release
KTESTS    := ktest-mem ktest-timer ktest-fault
CARGO     := cargo
QEMU      := qemu-system-aarch64
QEMU_ARGS := -M raspi3b -display none
HOST      = $(shell rustc -vV | sed -n 's/^host: //p')
OBJCOPY   = $(shell rustc --print sysroot)/lib/rustlib/$(HOST)/bin/llvm-objcopy
MKIMAGE   := target/debug/mkimage
KERNEL_OUT := target/$(TARGET)/$(PROFILE)

.PHONY: all help deps kernel ktests qemu test test-host test-system clippy fmt fmt-check doc gdb clean

all: kernel

help:
	@echo "make            build $(BUILD)/kernel.elf, $(BUILD)/kernel8.img and $(BUILD)/System.map"
	@echo "make qemu       build and boot mica in QEMU (raspi3b), console on this terminal (Ctrl-A X quits)"
	@echo "make test       run every test: host unit tests, kernel tests in QEMU, system tests"
	@echo "make clippy     lint host and kernel code (warnings are errors)"
	@echo "make fmt        format all code (make fmt-check only checks)"
	@echo "make doc        build the API docs (target/doc)"
	@echo "make gdb        boot in QEMU halted, with gdb-multiarch attached"
	@echo "make clean      remove build outputs"

deps:
	@tools/ensure-deps.sh rust

$(MKIMAGE): deps FORCE
	@$(CARGO) build -q -p mkimage

# Embed the symbol table into build/NAME.elf (writing NAME.map) and flatten it into NAME.img.
FINISH_IMAGE = $(MKIMAGE) symbols $(BUILD)/$$n.elf --map $(BUILD)/$$n.map && $(OBJCOPY) -O binary $(BUILD)/$$n.elf $(BUILD)/$$n.img

kernel: $(MKIMAGE)
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --bin kernel
	@mkdir -p $(BUILD)
	cp $(KERNEL_OUT)/kernel $(BUILD)/kernel.elf
	n=kernel; $(FINISH_IMAGE)
	@mv $(BUILD)/kernel.map $(BUILD)/System.map
	@mv $(BUILD)/kernel.img $(BUILD)/kernel8.img
	@echo "mica: $(BUILD)/kernel8.img is $$(stat -c %s $(BUILD)/kernel8.img) bytes ($(BUILD)/kernel.elf, $(BUILD)/System.map)"

# Test kernels: panics exit QEMU through semihosting (feature ktest).
ktests: $(MKIMAGE)
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --features ktest $(addprefix --bin ,$(KTESTS))
	@mkdir -p $(BUILD)
	for n in $(KTESTS); do cp $(KERNEL_OUT)/$$n $(BUILD)/$$n.elf && $(FINISH_IMAGE) || exit 1; done

qemu: kernel
	@tools/ensure-deps.sh qemu
	$(QEMU) $(QEMU_ARGS) -serial mon:stdio -kernel $(BUILD)/kernel8.img

test: test-host kernel ktests test-system

test-host: deps
	$(CARGO) test -p abi -p ksyms -p mkimage -p kernel -p ulib
	$(CARGO) test -p systest --lib

test-system: kernel ktests
	@tools/ensure-deps.sh qemu
	MICA_BUILD_DIR=$(CURDIR)/$(BUILD) $(CARGO) test -p systest --test '*'

clippy: deps
	$(CARGO) clippy -p abi -p ksyms -p mkimage -p kernel -p ulib -p systest --all-targets -- -D warnings
	$(CARGO) clippy -p kernel --target $(TARGET) --bins --features ktest -- -D warnings

fmt: deps
	$(CARGO) fmt --all

fmt-check: deps
	$(CARGO) fmt --all -- --check

doc: deps
	$(CARGO) doc --no-deps -p abi -p ksyms
	$(CARGO) doc --no-deps -p kernel --target $(TARGET) --document-private-items

# QEMU waits for gdb on :1234; the console goes to a file so gdb owns the terminal.
gdb: kernel
	@tools/ensure-deps.sh qemu gdb
	@echo "mica: console output goes to $(BUILD)/gdb-console.log (tail -f it in another terminal)"
	$(QEMU) $(QEMU_ARGS) -monitor none -serial file:$(BUILD)/gdb-console.log -kernel $(BUILD)/kernel8.img -s -S & \
	qemu_pid=$$!; \
	gdb-multiarch -q $(BUILD)/kernel.elf -ex 'set architecture aarch64' -ex 'target remote :1234'; \
	kill $$qemu_pid 2>/dev/null || true

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

FORCE:
