# Persona: build, run, test and benchmark. See README.md.
CROSS    ?= aarch64-linux-gnu-
CC       := $(CROSS)gcc
OBJCOPY  := $(CROSS)objcopy
QEMU     ?= qemu-system-aarch64
PY       := /usr/bin/python3
B        := build
GEN      := $(B)/gen
MEM      ?= 1024
GIC      ?= 2
ARGS     ?=
QEMU_MACHINE := -M virt,gic-version=$(GIC) -cpu cortex-a72 -m $(MEM) -nographic -no-reboot -nic none
DEPS_STAMP := $(B)/.deps-ok

KERNEL_INC := -Ikernel/include -Ikernel/arch/aarch64/include -Ikernel/plat/qemu-virt/include \
              -I$(GEN) -Ilibpersona/include
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
              -mgeneral-regs-only -fno-stack-protector -fno-pie -mcmodel=small \
              -fno-asynchronous-unwind-tables -fno-omit-frame-pointer $(KERNEL_INC)
KERNEL_SRC := $(wildcard kernel/src/*/*.c kernel/arch/aarch64/src/*.c kernel/plat/qemu-virt/src/*.c)
KERNEL_ASM := $(wildcard kernel/arch/aarch64/src/*.S) kernel/src/kernel/root_image.S
KERNEL_OBJ := $(patsubst %,$(B)/%.o,$(KERNEL_SRC) $(KERNEL_ASM))

ROOT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib -mgeneral-regs-only \
              -fno-stack-protector -fno-pie -fno-asynchronous-unwind-tables -I$(GEN) -Ilibpersona/include \
              -Iroot -Iposix-server/include -Ivfs/include -Iepoll/include
# posix-server and the VFS run in the root task's address space for now (it holds every capability
# they need); vfs/include/vfs.h is the boundary that becomes an IPC protocol.
# posix-server never touches FP/SIMD registers, so switching to it never costs a lazy-FPU trap;
# only the kernel tests' FPU check uses them.
$(B)/root/root/tests.c.o: ROOT_CFLAGS := $(filter-out -mgeneral-regs-only,$(ROOT_CFLAGS))
ROOT_SRC := $(wildcard root/*.c) $(wildcard posix-server/src/*.c) $(wildcard vfs/src/*.c) $(wildcard epoll/src/*.c) root/crt0.S libpersona/src/syscall.S
ROOT_OBJ := $(patsubst %,$(B)/root/%.o,$(ROOT_SRC))

.PHONY: all deps run test debug bench bench-check clean host-test sysroot
all: $(B)/kernel.img

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	bash scripts/deps.sh
	@mkdir -p $(B) && touch $@

$(GEN)/persona/abi.h docs/abi-numbers.md: abi/persona.abi scripts/genabi.py
	@mkdir -p $(GEN)/persona
	$(PY) scripts/genabi.py abi/persona.abi $(GEN)/persona/abi.h docs/abi-numbers.md

$(B)/kernel/%.o: kernel/% $(GEN)/persona/abi.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -MMD -MP -Wa,-I,$(B)/root -c $< -o $@

$(B)/kernel/src/kernel/root_image.S.o: $(B)/root/root.elf
# The per-syscall paths need no frame records, and CALL and REPLY_RECV run on the thread's ctx as their
# stack pointer (vectors.S): they must use no stack at all.
$(B)/kernel/src/fastpath/fastpath.c.o: kernel/src/fastpath/fastpath.c $(GEN)/persona/abi.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -fomit-frame-pointer -MMD -MP -c $< -o $@
	@if $(CROSS)objdump -d $@ | grep -qw sp; then echo "fastpath.c uses the stack"; rm -f $@; exit 1; fi

$(GEN)/linux_syscalls.h: scripts/gen-linux-syscalls.py | $(DEPS_STAMP)
	@mkdir -p $(GEN)
	$(PY) scripts/gen-linux-syscalls.py $(CC) $@

$(B)/root/%.o: % $(GEN)/persona/abi.h $(GEN)/linux_syscalls.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ROOT_CFLAGS) -MMD -MP -c $< -o $@

# The root task is linked into the kernel image without its debug sections (root.debug.elf keeps them).
$(B)/root/root.elf: $(ROOT_OBJ) root/root.lds
	@echo "  LD      $@"
	@$(CC) $(ROOT_CFLAGS) -static -Wl,--build-id=none -T root/root.lds -o $(B)/root/root.debug.elf $(ROOT_OBJ) -lgcc
	@$(CROSS)strip -o $@ $(B)/root/root.debug.elf

$(B)/kernel.elf: $(KERNEL_OBJ) kernel/arch/aarch64/src/kernel.lds
	@echo "  LD      $@"
	@$(CC) $(KERNEL_CFLAGS) -static -Wl,--build-id=none -T kernel/arch/aarch64/src/kernel.lds -o $@ $(KERNEL_OBJ) -lgcc

$(B)/kernel.img: $(B)/kernel.elf
	$(OBJCOPY) -O binary $< $@

# make run: the kernel, posix-server and BusyBox; the boot image is build/rootfs (BusyBox and its links)
# plus userland/rootfs (/init, /etc) plus EXTRA_ROOT=dir. make run INIT=path/to/static-binary ARGS='...'
# boots that program as /init (pid 1) instead, with ARGS as argv[1..]. make run KERNEL_TESTS=1 runs the
# kernel test suite (the root task without a Linux process).
$(B)/rootfs/bin/busybox: scripts/busybox.sh | $(DEPS_STAMP)
	bash scripts/busybox.sh

ifneq ($(KERNEL_TESTS),)
RUN_INITRD :=
RUN_APPEND := $(ARGS)
else ifneq ($(INIT),)
RUN_INITRD := $(B)/run/initrd.cpio
RUN_APPEND := init=/init -- $(ARGS)
.PHONY: $(RUN_INITRD)
$(RUN_INITRD):
	@rm -rf $(B)/run/root && mkdir -p $(B)/run/root
	@if [ -n "$(EXTRA_ROOT)" ]; then cp -a "$(EXTRA_ROOT)"/. $(B)/run/root/; fi
	@cp "$(INIT)" $(B)/run/root/init
	@cd $(B)/run/root && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 > ../initrd.cpio
else
RUN_INITRD := $(B)/run/rootfs.cpio
RUN_APPEND := init=/init $(ARGS)
.PHONY: $(RUN_INITRD)
$(RUN_INITRD): $(B)/rootfs/bin/busybox
	@rm -rf $(B)/run/root && mkdir -p $(B)/run/root
	@cp -a $(B)/rootfs/. userland/rootfs/. $(B)/run/root/
	@mkdir -p $(B)/run/root/lib && cp -L /lib/ld-musl-aarch64.so.1 $(B)/run/root/lib/  # musl's dynamic linker and shared libc
	@if [ -n "$(EXTRA_ROOT)" ]; then cp -a "$(EXTRA_ROOT)"/. $(B)/run/root/; fi
	@cd $(B)/run/root && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 > ../rootfs.cpio
endif

run: $(B)/kernel.img $(RUN_INITRD)
	$(QEMU) $(QEMU_MACHINE) -kernel $< $(if $(RUN_INITRD),-initrd $(RUN_INITRD)) -append "$(RUN_APPEND)"

debug: $(B)/kernel.img $(RUN_INITRD)
	@echo "QEMU is halted with a gdb stub on :1234. In another terminal:"
	@echo "  gdb-multiarch $(B)/kernel.elf -ex 'target remote :1234'"
	@echo "  (add-symbol-file $(B)/root/root.debug.elf for the root task)"
	$(QEMU) $(QEMU_MACHINE) -kernel $< $(if $(RUN_INITRD),-initrd $(RUN_INITRD)) -append "$(RUN_APPEND)" -S -gdb tcp::1234

# The sysroot (libc-port/): Debian's musl for arm64 with the Linux uAPI headers and cross-build wrappers.
SYSROOT_CC := $(B)/sysroot/bin/aarch64-linux-musl-gcc
$(SYSROOT_CC): libc-port/mksysroot.sh | $(DEPS_STAMP)
	bash libc-port/mksysroot.sh
sysroot: $(SYSROOT_CC)

# The benchmark program: a static musl binary for Linux, the same file on both systems.
$(B)/bench/bench: userland/bench/bench.c $(SYSROOT_CC)
	@mkdir -p $(dir $@)
	$(SYSROOT_CC) -static -O2 -Wall -Wextra -o $@ $<

test: $(B)/kernel.img $(B)/bench/bench $(B)/run/rootfs.cpio $(SYSROOT_CC)
	bash scripts/test.sh

bench: $(B)/kernel.img $(B)/bench/bench $(B)/rootfs/bin/busybox
	bash scripts/bench.sh

bench-check: $(B)/kernel.img $(B)/bench/bench $(B)/rootfs/bin/busybox
	bash scripts/bench.sh --check

-include tests/host/host.mk

clean:
	rm -rf $(B)/kernel $(B)/root $(B)/kernel.elf $(B)/kernel.img $(GEN) $(B)/host $(B)/test $(B)/compat

-include $(KERNEL_OBJ:.o=.d) $(ROOT_OBJ:.o=.d)
