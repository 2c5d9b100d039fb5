# mica's front door: every user-facing command. `make help` lists them.

TARGET    := aarch64-unknown-none-softfloat
# MODE=microkernel (the default): the file server, registry and drivers run as
# tasks. MODE=monolithic: the kernel has them built in (cargo feature
# `monolithic`) and runs their code inside the callers' syscalls; its images go
# to build/monolithic unless BUILD is given.
MODE      ?= microkernel
ifeq ($(MODE),monolithic)
BUILD     := build/monolithic
KERNEL_FEATURES := monolithic
KTEST_FEATURES  := ktest,monolithic
else ifeq ($(MODE),microkernel)
BUILD     := build
KERNEL_FEATURES :=
KTEST_FEATURES  := ktest
else
$(error MODE must be microkernel or monolithic, not "$(MODE)")
endif
PROFILE   := release
KTESTS    := ktest-mem ktest-timer ktest-fault ktest-user
# User programs: the crates that build them, and what goes in each boot archive.
USER_CRATES  := init hello utests gpio uart devreg fs shell
BOOT_FILES   := init hello devreg uart gpio fs shell
UTEST_FILES  := init=utest uecho ufault upartner gpio devreg fs
BENCH_FILES  := init=ubench uecho upartner devreg gpio uart fs hello
# ubench's arguments in bench-quick.img, which the system test boots: every operation, a few runs each.
BENCH_QUICK_ARGS := iterations=20 warmup=2 module_iterations=3 module_warmup=1
UTTY_FILES   := init=utty uart
CARGO     := cargo
QEMU      := qemu-system-aarch64
QEMU_ARGS := -M raspi3b -display none
HOST      = $(shell rustc -vV | sed -n 's/^host: //p')
OBJCOPY   = $(shell rustc --print sysroot)/lib/rustlib/$(HOST)/bin/llvm-objcopy
# cargo's output folder: $CARGO_TARGET_DIR when set, else target/.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
MKIMAGE   := $(TARGET_DIR)/debug/mkimage
BENCHREPORT := $(TARGET_DIR)/debug/benchreport
# QEMU for benchmarks: a deterministic instruction clock; the mini UART (the uart
# module ubench writes to) on a second serial port that goes nowhere.
BENCH_QEMU_ARGS := -icount shift=0,sleep=off -semihosting -serial stdio -serial null -monitor none
KERNEL_OUT := $(TARGET_DIR)/$(TARGET)/$(PROFILE)

.PHONY: all help deps user kernel ktests qemu test test-system-monolithic bench bench-compare bench-images sdcard chainboot test-host test-system clippy fmt fmt-check doc gdb clean

all: kernel

help:
	@echo "make            build $(BUILD)/kernel.elf, $(BUILD)/kernel8.img and $(BUILD)/System.map"
	@echo "make qemu       build and boot mica in QEMU (raspi3b), console on this terminal (Ctrl-A X quits)"
	@echo "make test       run every test: host unit tests, kernel tests in QEMU, system tests"
	@echo "make MODE=monolithic ...  the same with the file server, registry and drivers built into the kernel (build/monolithic)"
	@echo "make bench-compare  make bench in both modes, merged: build/bench/compare.{txt,json,svg}"
	@echo "make bench      syscall, IPC, driver and module costs in guest instructions (QEMU -icount): $(BUILD)/bench/bench.{txt,json,svg}"
	@echo "make sdcard     $(BUILD)/sdcard.img for a real Pi 3 (CONSOLE=pl011|mini, FIRMWARE_DIR=<folder>)"
	@echo "make chainboot  $(BUILD)/chainload.img, a loader that takes each kernel over the serial line, and $(BUILD)/micaload to send it"
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
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --bin kernel $(if $(KERNEL_FEATURES),--features $(KERNEL_FEATURES))
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
	$(CARGO) build -p kernel --$(PROFILE) --target $(TARGET) --features $(KTEST_FEATURES) $(addprefix --bin ,$(KTESTS))
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

ifeq ($(MODE),microkernel)
# Both builds pass the same whole-system suite; the crash tests differ as they
# must (a restarted task against a kernel panic).
test: test-host kernel ktests test-system test-system-monolithic
else
test: test-host kernel ktests test-system
endif

# The whole-system suite again, on the monolithic build (in $(BUILD)/monolithic).
test-system-monolithic:
	$(MAKE) test-system MODE=monolithic BUILD=$(BUILD)/monolithic FIRMWARE_CACHE=$(abspath $(FIRMWARE_CACHE))

# The out-of-tree module example (docs/modules.md), built as its own cargo
# project like a module from elsewhere, then stripped into build/user/hello-ext.
EXAMPLE_MODULE     := examples/hello-ext
EXAMPLE_TARGET_DIR := $(abspath $(TARGET_DIR))/example-module

.PHONY: example-module
example-module: deps
	cd $(EXAMPLE_MODULE) && $(CARGO) build --release --target-dir $(EXAMPLE_TARGET_DIR)
	@mkdir -p $(BUILD)/user
	$(OBJCOPY) --strip-all $(EXAMPLE_TARGET_DIR)/$(TARGET)/release/hello-ext $(BUILD)/user/hello-ext

$(BENCHREPORT): deps FORCE
	@$(CARGO) build -q -p benchreport

# The bench images: ubench as init, its partners and the modules it loads;
# bench-quick.img runs each operation a few times only (BENCH_QUICK_ARGS).
bench-images: ktests
	$(call archive,$(BUILD)/bench.cpio,$(BENCH_FILES))
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/bench.cpio $(BUILD)/bench.img
	echo "$(BENCH_QUICK_ARGS)" > $(BUILD)/bench-quick.args
	$(call archive,$(BUILD)/bench-quick.cpio,$(BENCH_FILES),init.args=$(BUILD)/bench-quick.args)
	$(MKIMAGE) pack $(BUILD)/ktest-user.elf $(BUILD)/ktest-user.bin $(BUILD)/bench-quick.cpio $(BUILD)/bench-quick.img

# Benchmarks (docs/benchmarks.md): deterministic guest instruction counts (PMU event
# 0x08) under -icount. The console goes to $(BUILD)/bench/console.txt; benchreport
# writes bench.txt, bench.json and bench.svg beside it and prints the table.
# Both builds, one after the other (in COMPARE_BUILD and COMPARE_BUILD/monolithic),
# merged into COMPARE_BUILD/bench/compare.{txt,json,svg}.
COMPARE_BUILD ?= build
bench-compare: $(BENCHREPORT)
	$(MAKE) bench MODE=microkernel BUILD=$(COMPARE_BUILD)
	$(MAKE) bench MODE=monolithic BUILD=$(COMPARE_BUILD)/monolithic
	$(BENCHREPORT) merge $(COMPARE_BUILD)/bench/bench.json $(COMPARE_BUILD)/monolithic/bench/bench.json -o $(COMPARE_BUILD)/bench/compare

bench: bench-images $(BENCHREPORT)
	@tools/ensure-deps.sh qemu
	@mkdir -p $(BUILD)/bench
	@echo "mica: running the benchmarks in QEMU (console: $(BUILD)/bench/console.txt)"
	@status=0; timeout 600 $(QEMU) $(QEMU_ARGS) $(BENCH_QEMU_ARGS) -kernel $(BUILD)/bench.img \
		> $(BUILD)/bench/console.txt 2>&1 || status=$$?; \
	$(BENCHREPORT) report $(BUILD)/bench/console.txt -o $(BUILD)/bench --qemu $(QEMU) \
		--qemu-args "$(QEMU_ARGS) $(BENCH_QEMU_ARGS)" || status=1; \
	if [ $$status -ne 0 ]; then tail -n 20 $(BUILD)/bench/console.txt; \
		echo "mica: the benchmark run failed (status $$status; console: $(BUILD)/bench/console.txt)" >&2; exit 1; fi

# The SD card for a real Pi 3 (README.md, "On a real Raspberry Pi 3"): an MBR and
# one FAT32 partition at 1 MiB with the firmware, config.txt and kernel8.img.
# Made in files, without root. CONSOLE is the one place that picks the console on
# GPIO 14/15, pl011 or mini: it sets the card's config.txt lines (config/config.txt
# keeps both) and the uart module's port= in the card's /etc/modules.
CONSOLE    ?= pl011
SDCARD     := $(BUILD)/sdcard.img
SDCARD_DIR := $(BUILD)/sdcard
SDCARD_MIB := 64
# The firmware: Debian bookworm's raspi-firmware, downloaded once into the cache and
# checked against its SHA256 (so plain HTTP is fine), unpacked with dpkg-deb, never
# installed; or the files in FIRMWARE_DIR=<folder> when given.
FIRMWARE_DIR     ?=
FIRMWARE_VERSION := 1.20220830+ds-1
FIRMWARE_DEB     := raspi-firmware_$(FIRMWARE_VERSION)_all.deb
FIRMWARE_URL     := http://deb.debian.org/debian/pool/non-free-firmware/r/raspi-firmware/$(FIRMWARE_DEB)
FIRMWARE_SHA256  := 0094ced47a7fbb6a220ff83e7b43aa637a5d8f6802461e2e4e474597fb796f62
FIRMWARE_CACHE   ?= $(BUILD)/firmware
FIRMWARE_TREE    := $(FIRMWARE_CACHE)/raspi-firmware_$(FIRMWARE_VERSION)
FIRMWARE_FILES   := bootcode.bin start.elf fixup.dat
FIRMWARE_SRC      = $(or $(FIRMWARE_DIR),$(FIRMWARE_TREE)/usr/lib/raspi-firmware)
FIRMWARE_LICENCE  = $(if $(FIRMWARE_DIR),$(FIRMWARE_DIR)/LICENCE.broadcom,$(FIRMWARE_TREE)/usr/share/doc/raspi-firmware/copyright)
# The card's boot archive is the main one with the card's /etc/modules (and its own modules.dep).
SDCARD_CONFIG = $(subst modules.dep=$(BUILD)/modules.dep,modules.dep=$(SDCARD_DIR)/modules.dep,$(subst etc/modules=config/modules,etc/modules=$(SDCARD_DIR)/modules,$(BOOT_CONFIG)))
# mtools on an image file without a partition table; mkfs.vfat is in /usr/sbin on Debian.
MTOOLS   := MTOOLS_SKIP_CHECK=1
SBIN_PATH = PATH="$$PATH:/usr/sbin:/sbin"

# Fails unless file $(1) is the raspi-firmware package named above.
check_firmware_deb = got=$$(sha256sum $(1) | cut -d' ' -f1); if [ "$$got" != "$(FIRMWARE_SHA256)" ]; then \
	echo "mica: $(1) has SHA256 $$got, not $(FIRMWARE_SHA256) ($(FIRMWARE_DEB)): refusing it." >&2; \
	echo "mica: remove it and run make sdcard again, or give FIRMWARE_DIR=<folder with $(FIRMWARE_FILES)>" >&2; exit 1; fi

$(FIRMWARE_CACHE)/$(FIRMWARE_DEB):
	@tools/ensure-deps.sh firmware
	@mkdir -p $(FIRMWARE_CACHE)
	@echo "mica: downloading the Raspberry Pi firmware (Debian's raspi-firmware $(FIRMWARE_VERSION), 4.8 MB) from $(FIRMWARE_URL)"
	@if command -v curl >/dev/null 2>&1; then curl -fsSL -o $@.part $(FIRMWARE_URL); else wget -q -O $@.part $(FIRMWARE_URL); fi
	@$(call check_firmware_deb,$@.part) || { rm -f $@.part; exit 1; }
	@mv $@.part $@

sdcard: kernel $(if $(FIRMWARE_DIR),,$(FIRMWARE_CACHE)/$(FIRMWARE_DEB))
	@tools/ensure-deps.sh sdcard $(if $(FIRMWARE_DIR),,firmware)
	@case "$(CONSOLE)" in pl011|mini) ;; *) echo "mica: CONSOLE is pl011 or mini, not '$(CONSOLE)'" >&2; exit 2;; esac
	@rm -rf $(SDCARD_DIR) && mkdir -p $(SDCARD_DIR)
	@if [ -z "$(FIRMWARE_DIR)" ]; then \
		$(call check_firmware_deb,$(FIRMWARE_CACHE)/$(FIRMWARE_DEB)); \
		[ -d $(FIRMWARE_TREE) ] || { rm -rf $(FIRMWARE_TREE).tmp && dpkg-deb -x $(FIRMWARE_CACHE)/$(FIRMWARE_DEB) $(FIRMWARE_TREE).tmp && mv $(FIRMWARE_TREE).tmp $(FIRMWARE_TREE); } || exit 1; \
	fi
	@for f in $(FIRMWARE_FILES); do [ -f "$(FIRMWARE_SRC)/$$f" ] || { echo "mica: no $$f in $(FIRMWARE_SRC)" >&2; exit 1; }; done
	@# FIRMWARE.txt: where the firmware came from and what it is; printed and put on the card.
	@{ echo "mica SD card, made by: make sdcard CONSOLE=$(CONSOLE)"; \
	  if [ -z "$(FIRMWARE_DIR)" ]; then \
	    echo "Raspberry Pi firmware from Debian bookworm's raspi-firmware $(FIRMWARE_VERSION) (non-free-firmware):"; \
	    echo "  $(FIRMWARE_URL)"; echo "  package SHA256 $(FIRMWARE_SHA256)"; \
	  else echo "Raspberry Pi firmware from FIRMWARE_DIR=$(abspath $(FIRMWARE_DIR))"; fi; \
	  build=$$(grep -a -o 'VC_BUILD_ID_VERSION: [0-9a-f]*' $(FIRMWARE_SRC)/start.elf | head -n1 | cut -d' ' -f2); \
	  date=$$(grep -a -o 'VC_BUILD_ID_TIME: [A-Z][a-z][a-z] [ 0-9]*[0-9] [0-9]*' $(FIRMWARE_SRC)/start.elf | head -n1 | cut -d' ' -f2-); \
	  echo "  start.elf build $${build:-unknown} ($${date:-no date})"; \
	  for f in $(FIRMWARE_FILES); do \
	    printf '  %-12s %8s bytes  sha256 %s\n' $$f $$(stat -c %s $(FIRMWARE_SRC)/$$f) $$(sha256sum $(FIRMWARE_SRC)/$$f | cut -d' ' -f1); done; \
	  if [ -f $(FIRMWARE_LICENCE) ]; then echo "Its licence (the terms for passing it on): FIRMWARE-LICENCE.txt"; \
	  else echo "Its licence is not on this card: FIRMWARE_DIR has no LICENCE.broadcom"; fi; \
	} > $(SDCARD_DIR)/FIRMWARE.txt
	@cat $(SDCARD_DIR)/FIRMWARE.txt
	@if [ -f $(FIRMWARE_LICENCE) ]; then cp $(FIRMWARE_LICENCE) $(SDCARD_DIR)/FIRMWARE-LICENCE.txt; fi
	@# config.txt: the template less the other console's block; /etc/modules: port=$(CONSOLE).
	@grep -q '^#@$(CONSOLE) {$$' config/config.txt || { echo "mica: config/config.txt has no '#@$(CONSOLE) {' block" >&2; exit 1; }
	@{ echo "# Written by make sdcard CONSOLE=$(CONSOLE) from config/config.txt."; \
	  awk -v console=$(CONSOLE) '/^#@[a-z0-9]+ [{]$$/ { block = substr($$1, 3); next } /^#@}$$/ { block = ""; next } block == "" || block == console' config/config.txt; \
	} > $(SDCARD_DIR)/config.txt
	@sed -E 's/^(uart( .*)? )port=[a-z0-9]+/\1port=$(CONSOLE)/; s/^gpio( .*)?$$/gpio uart=$(CONSOLE)/' config/modules > $(SDCARD_DIR)/modules
	@grep -Eq '^uart( .*)? port=$(CONSOLE)( |$$)' $(SDCARD_DIR)/modules || { echo "mica: config/modules has no 'uart port=' line to set" >&2; exit 1; }
	@case "$(SDCARD_CONFIG)" in *etc/modules=$(SDCARD_DIR)/modules*) ;; *) echo "mica: BOOT_CONFIG has no etc/modules=config/modules to replace" >&2; exit 1;; esac
	$(call archive,$(SDCARD_DIR)/boot.cpio,$(BOOT_FILES),$(SDCARD_CONFIG))
	$(MKIMAGE) pack $(BUILD)/kernel.elf $(BUILD)/kernel.img $(SDCARD_DIR)/boot.cpio $(SDCARD_DIR)/kernel8.img
	@# The partition, filled with mtools, then the disk around it.
	truncate -s $$(( ($(SDCARD_MIB) - 1) * 1024 * 1024 )) $(SDCARD_DIR)/part.img
	$(SBIN_PATH) mkfs.vfat -F 32 -n MICA -h 2048 $(SDCARD_DIR)/part.img >/dev/null
	$(MTOOLS) mcopy -i $(SDCARD_DIR)/part.img $(addprefix $(FIRMWARE_SRC)/,$(FIRMWARE_FILES)) \
		$(addprefix $(SDCARD_DIR)/,config.txt kernel8.img FIRMWARE.txt) $$(ls $(SDCARD_DIR)/FIRMWARE-LICENCE.txt 2>/dev/null) ::
	$(MKIMAGE) disk $(SDCARD) $(SDCARD_DIR)/part.img
	@rm -f $(SDCARD_DIR)/part.img
	@echo "mica: $(SDCARD) holds: $$($(MTOOLS) mdir -b -i $(SDCARD)@@1M :: | sed 's|^::/||' | tr '\n' ' ')"
	@echo "mica: console: $(if $(filter mini,$(CONSOLE)),the mini UART on GPIO 14/15 at 115200 baud (CONSOLE=mini; the gpio module switches the pins to ALT5),the PL011 on GPIO 14/15 at 115200 baud (CONSOLE=pl011))"
	@echo "mica: write it to a card as README.md says (On a real Raspberry Pi 3): check the device with lsblk first"

# The UART chainloader (docs/chainload.md): $(BUILD)/chainload.img goes on the SD
# card once, as kernel8.img; $(BUILD)/micaload then sends it each new kernel.
chainboot: deps
	$(CARGO) build -p chainload --$(PROFILE) --target $(TARGET) --bin chainload
	$(CARGO) build -p micaload
	@mkdir -p $(BUILD)
	$(OBJCOPY) -O binary $(KERNEL_OUT)/chainload $(BUILD)/chainload.img
	cp $(TARGET_DIR)/debug/micaload $(BUILD)/micaload
	@echo "mica: $(BUILD)/chainload.img is $$(stat -c %s $(BUILD)/chainload.img) bytes: put it on the SD card as kernel8.img"
	@echo "mica:   (after make sdcard: MTOOLS_SKIP_CHECK=1 mcopy -o -i $(SDCARD)@@1M $(BUILD)/chainload.img ::kernel8.img)"
	@echo "mica: then, for each kernel: $(BUILD)/micaload boot /dev/ttyUSB0 $(BUILD)/kernel8.img, and reset the Pi"

test-host: deps
	$(CARGO) test -p abi -p blockcopy -p ksyms -p newc -p proto -p fs -p shell -p gpio -p uart -p mkimage -p kernel -p ulib -p modinfo -p benchreport -p chainload -p micaload
	$(CARGO) test -p systest --lib

test-system: kernel ktests sdcard bench-images chainboot
	@tools/ensure-deps.sh qemu
	MICA_MODE=$(MODE) MICA_BUILD_DIR=$(abspath $(BUILD)) $(CARGO) test -p systest --no-fail-fast --test '*'

clippy: deps
	$(CARGO) clippy -p abi -p blockcopy -p ksyms -p newc -p proto -p fs -p shell -p gpio -p uart -p mkimage -p kernel -p ulib -p modinfo -p benchreport -p chainload -p micaload -p systest --all-targets -- -D warnings
	$(CARGO) clippy -p kernel --target $(TARGET) --bins --features ktest -- -D warnings
	$(CARGO) clippy -p kernel --target $(TARGET) --bins --features ktest,monolithic -- -D warnings
	$(CARGO) clippy --target $(TARGET) $(addprefix -p ,$(USER_CRATES)) -p ulib -p chainload -- -D warnings

fmt: deps
	$(CARGO) fmt --all

fmt-check: deps
	$(CARGO) fmt --all -- --check

doc: deps
	$(CARGO) doc --no-deps -p abi -p blockcopy -p ksyms
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
