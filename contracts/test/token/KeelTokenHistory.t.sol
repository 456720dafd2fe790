// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";

contract KeelTokenHistoryTest is TokenFixture {
    function _features() internal pure override returns (uint256) {
        return 1; // FEATURE_HISTORICAL_BALANCES
    }

    function setUp() public override {
        super.setUp();
        vm.warp(1_000);
        _unpause();
    }

    function test_clock() public view {
        assertEq(uint256(token.clock()), 1_000);
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
        assertTrue(token.historicalBalancesEnabled());
    }

    function test_balancesAndSupplyAtPastTimestamps() public {
        _mint(alice, 100); // t=1000
        vm.warp(2_000);
        vm.prank(alice);
        token.transfer(bob, 30); // t=2000
        vm.warp(3_000);
        vm.prank(custodian);
        token.forcedTransfer(bob, carol, 10); // t=3000
        vm.prank(issuer);
        token.burn(alice, 20); // t=3000
        vm.warp(4_000);
        assertEq(token.balanceOfAt(alice, 999), 0);
        assertEq(token.balanceOfAt(alice, 1_000), 100);
        assertEq(token.balanceOfAt(alice, 1_999), 100);
        assertEq(token.balanceOfAt(alice, 2_000), 70);
        assertEq(token.balanceOfAt(bob, 2_500), 30);
        assertEq(token.balanceOfAt(bob, 3_000), 20);
        assertEq(token.balanceOfAt(carol, 3_000), 10);
        assertEq(token.balanceOfAt(alice, 3_000), 50);
        assertEq(token.totalSupplyAt(999), 0);
        assertEq(token.totalSupplyAt(2_500), 100);
        assertEq(token.totalSupplyAt(3_000), 80);
    }

    function test_futureOrCurrentTimepointRejected() public {
        vm.expectRevert(abi.encodeWithSelector(KeelToken.FutureLookup.selector, 1_000, uint48(1_000)));
        token.balanceOfAt(alice, 1_000);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.FutureLookup.selector, 5_000, uint48(1_000)));
        token.totalSupplyAt(5_000);
    }

    function testFuzz_pastSupplyEqualsPastBalances(uint256 a, uint256 b, uint256 gap) public {
        a = bound(a, 0, 1e30);
        b = bound(b, 0, a);
        gap = bound(gap, 1, 1e6);
        _mint(alice, a);
        vm.warp(block.timestamp + gap);
        vm.prank(alice);
        token.transfer(bob, b);
        uint256 t = block.timestamp;
        vm.warp(t + 1);
        assertEq(token.totalSupplyAt(t), token.balanceOfAt(alice, t) + token.balanceOfAt(bob, t));
        assertEq(token.balanceOfAt(bob, t - 1), 0);
    }
}

contract KeelTokenHistoryDisabledTest is TokenFixture {
    function test_disabledByDefault() public {
        assertFalse(token.historicalBalancesEnabled());
        vm.warp(10);
        vm.expectRevert(KeelToken.HistoricalBalancesDisabled.selector);
        token.balanceOfAt(alice, 1);
    }
}
