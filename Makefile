# Top-level targets of the event-driven netdev-linux series for OVS 4.0.0.
# Each target is a thin wrapper around one script in utilities/.

U := utilities

.PHONY: all base tree export build build-stock tools check check-full \
	check-series check-asan bench clean distclean help

all: build

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## base         obtain and unpack Debian's openvswitch-source 4.0.0-2
base:
	$(U)/get-base.sh

## tree         build/ovs: a git tree of the base with patches/ applied
tree:
	$(U)/make-tree.sh

## export       write the commits of build/ovs back to patches/
export:
	$(U)/export.sh

## build        configure and build build/ovs (-Werror, ccache)
build:
	$(U)/make-tree.sh --if-missing
	$(U)/build.sh

## build-stock  the same for the base alone, in build/ovs-stock
build-stock:
	$(U)/make-tree.sh --if-missing build/ovs-stock 0
	$(U)/build.sh build/ovs-stock

## tools        build the benchmark and test tools (bench/, tests/)
tools:
	$(U)/build-tools.sh

## check        series hygiene, build, unit and system tests, own tests
check:
	$(U)/check.sh

## check-full   full OVS suites for stock and series, with a regression report
check-full:
	$(U)/check-full.sh

## check-series build and quick-test every prefix of the series
check-series:
	$(U)/check-series.sh

## check-asan   the series under AddressSanitizer and UBSan
check-asan:
	$(U)/check-asan.sh

## bench        the port-churn benchmark, stock vs series (PROFILE=full)
bench:
	$(U)/bench.sh

## clean        remove build/ (keeps the downloaded base)
clean:
	rm -rf build

## distclean    also drop the cache of the base
distclean: clean
	rm -rf .cache
