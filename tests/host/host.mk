# Host unit tests (cmocka, ASan + UBSan) of the kernel code that needs no machine: `make host-test`.
# Included by the top-level Makefile, whose B, GEN and QEMU it uses when they are set.
# Builds build/host/test_{dtb,regions,cnode}, dumps QEMU device trees into build/host/, runs the
# tests and writes build/host/results.txt ("host: N passed, M failed"); fails if any test failed.

HOST_B      := $(or $(B),build)/host
HOST_GEN    := $(or $(GEN),build/gen)
HOST_CC     ?= gcc
HOST_QEMU   := $(or $(QEMU),qemu-system-aarch64)
HOST_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -Wall -Wextra \
               -Ikernel/include -Ikernel/arch/aarch64/include -Ikernel/plat/qemu-virt/include \
               -I$(HOST_GEN) -Ilibpersona/include
HOST_TESTS  := dtb regions cnode
HOST_BINS   := $(patsubst %,$(HOST_B)/test_%,$(HOST_TESTS))
HOST_HDRS   := $(wildcard kernel/include/*.h kernel/include/*/*.h)

# The kernel source each test binary covers.
$(HOST_B)/test_dtb: kernel/src/machine/dtb.c
$(HOST_B)/test_regions: kernel/src/kernel/regions.c
$(HOST_B)/test_cnode: kernel/src/object/cnode.c

$(HOST_B)/test_%: tests/host/test_%.c tests/host/stubs.c $(HOST_GEN)/persona/abi.h $(HOST_HDRS) tests/host/host.mk
	@mkdir -p $(HOST_B)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) -lcmocka

# Device trees are dumped afresh on every run (about 0.1 s each), never committed. The long
# -append string is rebuilt by test_dtb.c (test_qemu_long_bootargs): keep the two in step.
.PHONY: host-dtbs host-test
host-dtbs:
	@mkdir -p $(HOST_B)
	@rm -f $(HOST_B)/*.dtb
	@head -c 4096 /dev/zero > $(HOST_B)/empty-kernel.img
	@set -e; \
	dump() { f=$$1; shift; \
	    $(HOST_QEMU) -cpu cortex-a72 -nographic -nic none "$$@" -machine dumpdtb=$(HOST_B)/$$f \
	        > $(HOST_B)/qemu.log 2>&1 && test -s $(HOST_B)/$$f || { cat $(HOST_B)/qemu.log; exit 1; }; }; \
	dump virt-gicv2.dtb -M virt,gic-version=2 -m 1024; \
	dump virt-gicv3.dtb -M virt,gic-version=3 -m 1024; \
	dump virt-el2.dtb -M virt,virtualization=on -m 1024; \
	dump virt-2g.dtb -M virt,gic-version=2 -m 2048; \
	dump virt-args.dtb -M virt,gic-version=2 -m 1024 -kernel $(HOST_B)/empty-kernel.img -append "some args"; \
	dump virt-longargs.dtb -M virt,gic-version=2 -m 1024 -kernel $(HOST_B)/empty-kernel.img \
	    -append "$$(seq -s, 1 120)"; \
	echo "  DTB     $(HOST_B)/virt-*.dtb"

host-test: $(HOST_BINS) host-dtbs
	@bash tests/host/run.sh $(HOST_B) $(HOST_BINS)
