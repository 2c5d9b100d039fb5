# mica's front door: every user-facing command. `make help` lists them.

TARGET    := aarch64-unknown-none-softfloat
BUILD     := build
PROFILE   := release
KTESTS    := ktest-mem ktest-timer ktest-fault ktest-user
# User programs: the crates that build them, and what goes in each boot archive.
USER_CRATES  := init hello utests gpio uart devreg fs shell
BOOT_FILES   := init hello devreg uart gpio fs shell
UTEST_FILES  := init=utest uecho ufault upartner gpio devreg fs
BENCH_FILES  := init=ubench uecho upartner
UTTY_FILES   := init=utty uart
CARGO     := cargo
QEMU      := qemu-system-aarch64
QEMU_ARGS := -M raspi3b -display none
HOST      = $(shell rustc -vV | sed -n 's/^host: //p')
OBJCOPY   = $(shell rustc --print sysroot)/lib/rustlib/$(HOST)/bin/llvm-objcopy
# cargo's output folder: $CARGO_TARGET_DIR when set, else target/.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
MKIMAGE   := $(TARGET_DIR)/debug/mkimage
KERNEL_OUT := $(TARGET_DIR)/$(TARGET)/$(PROFILE)

.PHONY: all help deps user kernel ktests qemu test bench test-host test-system clippy fmt fmt-check doc gdb clean

all: kernel

help:
	@echo "make            build $(BUILD)/kernel.elf, $(BUILD)/kernel8.img and $(BUILD)/System.map"
	@echo "make qemu       build and boot mica in QEMU (raspi3b), console on this terminal (Ctrl-A X quits)"
	@echo "make test       run every test: host unit tests, kernel tests in QEMU, system tests"
	@echo "make bench      IPC and syscall costs in guest instructions (QEMU -icount)"
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

user: deps
	$(CARGO) build --$(PROFILE) --target $(TARGET) $(addprefix -p ,$(USER_CRATES))

# A boot archive: $(1) = output, $(2) = name[=program] list, $(3) = more
# name=path files taken as they are (config). Programs go in stripped
# (build/user/), so the archive carries code, not debug info. A
# modules.dep=PATH in $(3) is first written by mkimage depmod from them.
define archive
	@mkdir -p $(BUILD)/user
	for p in $(call programs,$(2)); do $(OBJCOPY) --strip-all $(KERNEL_OUT)/$$p $(BUILD)/user/$$p || exit 1; done
	$(foreach d,$(filter modules.dep=%,$(3)),$(MKIMAGE) depmod $(patsubst modules.dep=%,%,$(d)) $(addprefix $(BUILD)/user/,$(call programs,$(2))) $(filter $(BUILD)/user/%,$(foreach f,$(3),$(lastword $(subst =, ,$(f))))))
	$(MKIMAGE) cpio $(1) $(foreach f,$(2),$(firstword $(subst =, ,$(f)))=$(BUILD)/user/$(lastword $(subst =, ,$(f)))) $(3)
endef
programs = $(sort $(foreach f,$(1),$(lastword $(subst =, ,$(f)))))
# The main boot archive's config: the module table, the boot set, modprobe's options.
# Besides the programs: modules.dep, the config files, and two modules that
# are not in the boot set: one built outside the tree (examples/hello-ext) and
# a fixture built for another ABI, which insmod must refuse.
BOOT_CONFIG = modules.dep=$(BUILD)/modules.dep etc/modules=config/modules etc/modprobe.conf=config/modprobe.conf \
	extra/hello-ext=$(BUILD)/user/hello-ext extra/hello-abi0=$(BUILD)/user/uabi0

kernel: $(MKIMAGE) user example-module
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --bin kernel
	@mkdir -p $(BUILD)
	cp $(KERNEL_OUT)/kernel $(BUILD)/kernel.elf
	n=kernel; $(FINISH_IMAGE)
	@mv $(BUILD)/kernel.map $(BUILD)/System.map
	@mkdir -p $(BUILD)/user && $(OBJCOPY) --strip-all $(KERNEL_OUT)/uabi0 $(BUILD)/user/uabi0
	$(call archive,$(BUILD)/boot.cpio,$(BOOT_FILES),$(BOOT_CONFIG))
	$(MKIMAGE) pack $(BUILD)/kernel.elf $(BUILD)/kernel.img $(BUILD)/boot.cpio $(BUILD)/kernel8.img
	@echo "mica: $(BUILD)/kernel8.img is $$(stat -c %s $(BUILD)/kernel8.img) bytes ($(BUILD)/kernel.elf, $(BUILD)/System.map, $(BUILD)/boot.cpio)"

# Test kernels: panics exit QEMU through semihosting (feature ktest); ktest-user
# runs the user-space test runner as init, and init's exit status ends QEMU.
ktests: $(MKIMAGE) user
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --features ktest $(addprefix --bin ,$(KTESTS))
	@mkdir -p $(BUILD)
	for n in $(KTESTS); do cp $(KERNEL_OUT)/$$n $(BUILD)/$$n.elf && $(FINISH_IMAGE) || exit 1; done
	mv $(BUILD)/ktest-user.img $(BUILD)/ktest-user.bin
	$(call archive,$(BUILD)/utest.cpio,$(UTEST_FILES))
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/utest.cpio $(BUILD)/ktest-user.img
	$(call archive,$(BUILD)/utty.cpio,$(UTTY_FILES))
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/utty.cpio $(BUILD)/ktest-uart.img
	echo "port=mini" > $(BUILD)/mini.args
	$(call archive,$(BUILD)/utty-mini.cpio,$(UTTY_FILES))
	$(MKIMAGE) cpio $(BUILD)/utty-mini.cpio init=$(BUILD)/user/utty uart=$(BUILD)/user/uart init.args=$(BUILD)/mini.args
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/utty-mini.cpio $(BUILD)/ktest-mini.img

qemu: kernel
	@tools/ensure-deps.sh qemu
	$(QEMU) $(QEMU_ARGS) -serial mon:stdio -kernel $(BUILD)/kernel8.img

test: test-host kernel ktests test-system

# The out-of-tree module example (docs/modules.md), built as its own cargo
# project like a module from elsewhere, then stripped into build/user/hello-ext.
EXAMPLE_MODULE     := examples/hello-ext
EXAMPLE_TARGET_DIR := $(abspath $(TARGET_DIR))/example-module

.PHONY: example-module
example-module: deps
	cd $(EXAMPLE_MODULE) && $(CARGO) build --release --target-dir $(EXAMPLE_TARGET_DIR)
	@mkdir -p $(BUILD)/user
	$(OBJCOPY) --strip-all $(EXAMPLE_TARGET_DIR)/$(TARGET)/release/hello-ext $(BUILD)/user/hello-ext

# Benchmarks: deterministic guest instruction counts (PMU event 0x08) under -icount.
bench: ktests
	@tools/ensure-deps.sh qemu
	$(call archive,$(BUILD)/bench.cpio,$(BENCH_FILES))
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/bench.cpio $(BUILD)/bench.img
	$(QEMU) $(QEMU_ARGS) -icount shift=0,sleep=off -semihosting -serial stdio -monitor none \
		-kernel $(BUILD)/bench.img | grep --line-buffered 'bench' | tee $(BUILD)/bench.txt

test-host: deps
	$(CARGO) test -p abi -p ksyms -p newc -p proto -p fs -p shell -p gpio -p uart -p mkimage -p kernel -p ulib -p modinfo
	$(CARGO) test -p systest --lib

test-system: kernel ktests
	@tools/ensure-deps.sh qemu
	MICA_BUILD_DIR=$(CURDIR)/$(BUILD) $(CARGO) test -p systest --test '*'

clippy: deps
	$(CARGO) clippy -p abi -p ksyms -p newc -p proto -p fs -p shell -p gpio -p uart -p mkimage -p kernel -p ulib -p modinfo -p systest --all-targets -- -D warnings
	$(CARGO) clippy -p kernel --target $(TARGET) --bins --features ktest -- -D warnings
	$(CARGO) clippy --target $(TARGET) $(addprefix -p ,$(USER_CRATES)) -p ulib -- -D warnings

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
