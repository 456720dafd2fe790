// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropFixture} from "./AirdropFixture.sol";
import {AirdropBase} from "../../../src/addons/airdrop/AirdropBase.sol";
import {PushAirdrop} from "../../../src/addons/airdrop/PushAirdrop.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract PushAirdropTest is AirdropFixture {
    PushAirdrop internal drop;
    uint256 internal end;

    function setUp() public override {
        super.setUp();
        end = block.timestamp + 7 days;
        vm.prank(issuer);
        drop = factory.createPush(address(token), root, AirdropBase.Tracker.Bitmap, end, 3);
        _fund(address(drop));
    }

    function _items(uint256 from, uint256 to) internal view returns (PushAirdrop.Item[] memory items) {
        items = new PushAirdrop.Item[](to - from);
        for (uint256 i = from; i < to; ++i) {
            items[i - from] = PushAirdrop.Item(i, accounts[i], amounts[i], _proof(i));
        }
    }

    function test_distribute_inBatches() public {
        vm.startPrank(issuer);
        drop.distribute(_items(0, 3));
        drop.distribute(_items(3, 4));
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 100e6);
        assertEq(token.balanceOf(carol), 75e6);
        assertEq(token.balanceOf(dave), 1e6);
        assertEq(drop.totalClaimed(), 426e6);
    }

    function test_distribute_batchCap() public {
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(PushAirdrop.BatchTooLarge.selector, 4, 3));
        drop.distribute(_items(0, 4));
    }

    function test_distribute_onlyOwner() public {
        PushAirdrop.Item[] memory items = _items(0, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        drop.distribute(items);
    }

    function test_distribute_rerunSkipsPaid() public {
        vm.startPrank(issuer);
        drop.distribute(_items(0, 2));
        vm.expectEmit(true, true, false, true, address(drop));
        emit PushAirdrop.PushSkipped(0, alice, "already-paid");
        drop.distribute(_items(0, 2));
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 100e6);
        assertEq(drop.totalClaimed(), 350e6);
    }

    function test_distribute_skipsUnverifiedRecipient() public {
        vm.prank(issuer);
        vm.expectEmit(true, true, false, true, address(drop));
        emit PushAirdrop.PushSkipped(4, mallory, "not-allowed");
        drop.distribute(_items(3, 5));
        assertEq(token.balanceOf(dave), 1e6);
        assertFalse(drop.isClaimed(4));
        // verified later: paid on the next run
        registry.register(mallory, US);
        vm.prank(issuer);
        drop.distribute(_items(4, 5));
        assertEq(token.balanceOf(mallory), 40e6);
    }

    function test_distribute_wrongProofRevertsBatch() public {
        PushAirdrop.Item[] memory items = _items(0, 2);
        items[1].amount = 999e6;
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.InvalidProof.selector, 1, bob, 999e6));
        drop.distribute(items);
    }

    function test_distribute_afterEndReverts() public {
        vm.warp(end + 1);
        PushAirdrop.Item[] memory items = _items(0, 1);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(PushAirdrop.DistributionEnded.selector, end));
        drop.distribute(items);
    }

    function test_amountTracker_paysRemainder() public {
        vm.prank(issuer);
        PushAirdrop a = factory.createPush(address(token), root, AirdropBase.Tracker.Amount, end, 10);
        _fund(address(a));
        vm.prank(issuer);
        a.distribute(_items(0, 2));
        assertEq(a.claimedAmount(1), 250e6);
    }

    function test_withdrawUnclaimedAfterEnd() public {
        vm.prank(issuer);
        drop.distribute(_items(0, 1));
        vm.warp(end + 1);
        vm.prank(issuer);
        drop.withdrawUnclaimed(issuer);
        assertEq(token.balanceOf(issuer), total - 100e6);
    }
}
