"""Pure checks on addresses: only global ones may be fetched for a source not declared local."""

from __future__ import annotations

import pytest

from transforms.capture.network import refused_address


@pytest.mark.parametrize(
    "address, reason",
    [
        ("100.100.100.200", "shared"),  # a cloud metadata address in the carrier-grade NAT space
        ("100.64.0.1", "shared"),
        ("::ffff:100.100.100.200", "shared"),
        ("2002:a00:1::", "private address 10.0.0.1 inside the 6to4 address"),
        ("2002:7f00:1::", "loopback address 127.0.0.1 inside the 6to4 address"),
        ("2002:a9fe:a9fe::", "link-local address 169.254.169.254 inside the 6to4"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private address 10.0.0.1 inside the Teredo"),
        ("64:ff9b::a00:1", "private address 10.0.0.1 inside the NAT64 address"),
        ("64:ff9b::a9fe:a9fe", "link-local address 169.254.169.254 inside the NAT64"),
        ("64:ff9b:1::808:808", "local-use NAT64"),
        ("::a00:1", "private address 10.0.0.1 inside the IPv4-compatible"),
        ("198.18.0.1", "private"),  # benchmarking
        ("192.0.2.1", "private"),  # documentation
        ("255.255.255.255", "private"),
        ("2001:db8::1", "private"),
        ("fe80::1%eth0", "link-local"),
    ],
)
def test_addresses_that_are_not_global_are_refused(address, reason):
    assert (refused_address(address) or "").startswith(reason), refused_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2606:4700::1111", "2002:5db8:d70e::", "64:ff9b::808:808"]
)
def test_global_addresses_and_translations_of_global_ones_pass(address):
    assert refused_address(address) is None
