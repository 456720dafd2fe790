// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropFixture} from "./AirdropFixture.sol";
import {AirdropBase} from "../../../src/addons/airdrop/AirdropBase.sol";
import {TimeBoundAirdrop} from "../../../src/addons/airdrop/TimeBoundAirdrop.sol";
import {AssetCompliance} from "../../../src/addons/common/AssetCompliance.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {MerkleTestTree} from "../mocks/MerkleTestTree.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract TimeBoundAirdropTest is AirdropFixture {
    TimeBoundAirdrop internal bitmap;
    TimeBoundAirdrop internal partial_;
    uint256 internal start;
    uint256 internal end;

    function setUp() public override {
        super.setUp();
        start = block.timestamp + 1 hours;
        end = start + 30 days;
        vm.prank(issuer);
        bitmap = factory.createTimeBound(address(token), root, AirdropBase.Tracker.Bitmap, start, end);
        vm.prank(issuer);
        partial_ = factory.createTimeBound(address(token), root, AirdropBase.Tracker.Amount, start, end);
        _fund(address(bitmap));
        _fund(address(partial_));
        vm.warp(start);
    }

    function _claim(TimeBoundAirdrop a, uint256 i, uint256 amount) internal {
        vm.prank(accounts[i]);
        a.claim(i, amounts[i], amount, _proof(i));
    }

    function test_factory_recordsAndOwns() public view {
        assertTrue(factory.isAirdrop(address(bitmap)));
        assertEq(bitmap.owner(), issuer);
        assertEq(bitmap.merkleRoot(), root);
    }

    function test_leaf_matchesStandardEncoding() public view {
        assertEq(bitmap.leaf(1, bob, 250e6), _leaf(1, bob, 250e6));
        assertTrue(bitmap.verify(1, bob, 250e6, _proof(1)));
        assertFalse(bitmap.verify(1, bob, 251e6, _proof(1)));
    }

    function test_bitmap_claimAll() public {
        for (uint256 i; i < 4; ++i) _claim(bitmap, i, amounts[i]);
        assertEq(token.balanceOf(alice), 100e6);
        assertEq(token.balanceOf(bob), 250e6);
        assertTrue(bitmap.isClaimed(0));
        assertFalse(bitmap.isClaimed(4));
        assertEq(bitmap.totalClaimed(), 426e6);
    }

    function test_bitmap_doubleClaimReverts() public {
        _claim(bitmap, 0, 100e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.AlreadyClaimed.selector, 0));
        bitmap.claim(0, 100e6, 100e6, _proof(0));
    }

    function test_bitmap_partialReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.PartialClaimNotSupported.selector, 0));
        bitmap.claim(0, 100e6, 50e6, _proof(0));
    }

    function test_wrongProofReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.InvalidProof.selector, 0, alice, 100e6));
        bitmap.claim(0, 100e6, 100e6, _proof(1));
    }

    function test_wrongAmountReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.InvalidProof.selector, 0, alice, 200e6));
        bitmap.claim(0, 200e6, 200e6, _proof(0));
    }

    function test_someoneElsesLeafReverts() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.InvalidProof.selector, 0, carol, 100e6));
        bitmap.claim(0, 100e6, 100e6, _proof(0));
    }

    function test_beforeStartReverts() public {
        vm.warp(start - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TimeBoundAirdrop.ClaimNotStarted.selector, start));
        bitmap.claim(0, 100e6, 100e6, _proof(0));
    }

    function test_afterEndReverts() public {
        vm.warp(end + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TimeBoundAirdrop.ClaimEnded.selector, end));
        bitmap.claim(0, 100e6, 100e6, _proof(0));
    }

    function test_notVerifiedRecipientReverts_nothingRecorded() public {
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(AssetCompliance.MovementNotAllowed.selector, address(token), address(bitmap), mallory, 40e6)
        );
        bitmap.claim(4, 40e6, 40e6, _proof(4));
        assertFalse(bitmap.isClaimed(4));
    }

    function test_amount_partialClaims() public {
        _claim(partial_, 1, 100e6);
        _claim(partial_, 1, 150e6);
        assertEq(partial_.claimedAmount(1), 250e6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.AlreadyClaimed.selector, 1));
        partial_.claim(1, 250e6, 1, _proof(1));
    }

    function test_amount_overClaimReverts() public {
        _claim(partial_, 1, 200e6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.ClaimExceedsAllocation.selector, 1, 51e6, 50e6));
        partial_.claim(1, 250e6, 51e6, _proof(1));
    }

    function test_zeroClaimReverts() public {
        vm.prank(bob);
        vm.expectRevert(AirdropBase.ZeroAmount.selector);
        partial_.claim(1, 250e6, 0, _proof(1));
    }

    function test_withdrawUnclaimed_afterEndOnly() public {
        _claim(bitmap, 0, 100e6);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(AirdropBase.NotEnded.selector, end));
        bitmap.withdrawUnclaimed(issuer);
        vm.warp(end + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        bitmap.withdrawUnclaimed(alice);
        vm.prank(issuer);
        bitmap.withdrawUnclaimed(issuer);
        assertEq(token.balanceOf(issuer), total - 100e6);
        vm.prank(issuer);
        vm.expectRevert(AirdropBase.NothingToWithdraw.selector);
        bitmap.withdrawUnclaimed(issuer);
    }

    function test_invalidConfigReverts() public {
        vm.expectRevert(AirdropBase.InvalidConfig.selector);
        factory.createTimeBound(address(token), root, AirdropBase.Tracker.Bitmap, end, start);
        vm.expectRevert(AirdropBase.InvalidConfig.selector);
        factory.createTimeBound(address(token), bytes32(0), AirdropBase.Tracker.Bitmap, start, end);
    }

    function test_reentrancy_maliciousAssetCannotDoubleClaim() public {
        ReentrantERC20 evil = new ReentrantERC20();
        TimeBoundAirdrop a = new TimeBoundAirdrop(address(evil), root, AirdropBase.Tracker.Bitmap, start, end, issuer);
        evil.mint(address(a), total);
        evil.arm(address(a), abi.encodeCall(TimeBoundAirdrop.claim, (0, 100e6, 100e6, _proof(0))));
        vm.prank(alice);
        a.claim(0, 100e6, 100e6, _proof(0));
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.lastReturnData(), abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        assertEq(evil.balanceOf(alice), 100e6);
    }

    function testFuzz_claimsNeverExceedAllocation(uint256 first, uint256 second) public {
        first = bound(first, 1, 250e6);
        second = bound(second, 1, 300e6);
        _claim(partial_, 1, first);
        uint256 remaining = 250e6 - first;
        vm.prank(bob);
        if (remaining == 0) {
            vm.expectRevert(abi.encodeWithSelector(AirdropBase.AlreadyClaimed.selector, 1));
        } else if (second > remaining) {
            vm.expectRevert(abi.encodeWithSelector(AirdropBase.ClaimExceedsAllocation.selector, 1, second, remaining));
        }
        partial_.claim(1, 250e6, second, _proof(1));
        assertLe(partial_.claimedAmount(1), 250e6);
        assertEq(token.balanceOf(bob), partial_.claimedAmount(1));
    }

    function testFuzz_largeTreeProofs(uint256 seed, uint256 size, uint256 pick) public {
        size = bound(size, 1, 300);
        pick = bound(pick, 0, size - 1);
        bytes32[] memory ls = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            address acct = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
            ls[i] = _leaf(i, i == pick ? alice : acct, i == pick ? 7e6 : 1);
        }
        TimeBoundAirdrop a = new TimeBoundAirdrop(address(token), MerkleTestTree.root(ls), AirdropBase.Tracker.Bitmap, start, end, issuer);
        registry.register(address(a), US);
        token.mint(address(a), 7e6);
        vm.prank(alice);
        a.claim(pick, 7e6, 7e6, MerkleTestTree.proof(ls, pick));
        assertTrue(a.isClaimed(pick));
    }
}
