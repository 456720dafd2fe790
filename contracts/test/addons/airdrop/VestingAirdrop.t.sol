// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropFixture} from "./AirdropFixture.sol";
import {AirdropBase} from "../../../src/addons/airdrop/AirdropBase.sol";
import {VestingAirdrop} from "../../../src/addons/airdrop/VestingAirdrop.sol";

contract VestingAirdropTest is AirdropFixture {
    VestingAirdrop internal drop;
    uint256 internal deadline;
    uint256 internal constant CLIFF = 30 days;
    uint256 internal constant DURATION = 360 days;

    function setUp() public override {
        super.setUp();
        deadline = block.timestamp + 14 days;
        vm.prank(issuer);
        drop = factory.createVesting(address(token), root, deadline, CLIFF, DURATION);
        _fund(address(drop));
    }

    function _init(uint256 i) internal {
        vm.prank(accounts[i]);
        drop.initializeVesting(i, amounts[i], _proof(i));
    }

    function test_usesAmountTracker() public view {
        assertEq(uint256(drop.tracker()), uint256(AirdropBase.Tracker.Amount));
    }

    function test_linearWithCliff() public {
        _init(0);
        vm.warp(block.timestamp + CLIFF - 1);
        assertEq(drop.claimable(0), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.NothingVested.selector, 0));
        drop.claim(0);
        vm.warp(block.timestamp + 1);
        assertEq(drop.claimable(0), 100e6 * CLIFF / DURATION);
        vm.prank(alice);
        drop.claim(0);
        assertEq(token.balanceOf(alice), 100e6 * CLIFF / DURATION);
        vm.warp(block.timestamp + DURATION);
        vm.prank(alice);
        drop.claim(0);
        assertEq(token.balanceOf(alice), 100e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.NothingVested.selector, 0));
        drop.claim(0);
    }

    function test_initAfterDeadlineReverts() public {
        vm.warp(deadline + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.InitializationClosed.selector, deadline));
        drop.initializeVesting(0, 100e6, _proof(0));
    }

    function test_doubleInitReverts() public {
        _init(0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.AlreadyInitialized.selector, 0));
        drop.initializeVesting(0, 100e6, _proof(0));
    }

    function test_initWrongProofReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.InvalidProof.selector, 0, alice, 100e6));
        drop.initializeVesting(0, 100e6, _proof(2));
    }

    function test_claimNotInitializedOrNotRecipientReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.NotInitialized.selector, 0));
        drop.claim(0);
        _init(0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(VestingAirdrop.NotRecipient.selector, 0, bob));
        drop.claim(0);
    }

    function test_withdrawKeepsInitializedAllocations() public {
        _init(0);
        _init(1);
        vm.warp(deadline + 1);
        vm.prank(issuer);
        drop.withdrawUnclaimed(issuer);
        assertEq(token.balanceOf(issuer), total - 350e6);
        vm.warp(block.timestamp + DURATION);
        vm.prank(alice);
        drop.claim(0);
        vm.prank(bob);
        drop.claim(1);
        assertEq(token.balanceOf(address(drop)), 0);
    }

    function testFuzz_vestedIsMonotonicAndBounded(uint256 t1, uint256 t2) public {
        _init(1);
        uint256 s = block.timestamp;
        t1 = bound(t1, 0, 2 * DURATION);
        t2 = bound(t2, t1, 2 * DURATION);
        vm.warp(s + t1);
        uint256 v1 = drop.vested(1);
        if (drop.claimable(1) > 0) {
            vm.prank(bob);
            drop.claim(1);
        }
        vm.warp(s + t2);
        uint256 v2 = drop.vested(1);
        assertLe(v1, v2);
        assertLe(v2, 250e6);
        assertEq(token.balanceOf(bob), v1);
        if (t1 < CLIFF) assertEq(v1, 0);
    }
}
