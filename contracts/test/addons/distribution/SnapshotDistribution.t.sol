// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {CheckpointedKeelToken} from "../mocks/CheckpointedKeelToken.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {SnapshotDistribution} from "../../../src/addons/distribution/SnapshotDistribution.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract SnapshotDistributionTest is AddonFixture {
    CheckpointedKeelToken internal equity;
    SnapshotDistribution internal dividend;
    uint256 internal snapshot;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        equity = _newCheckpointedAsset("Keel Equity", "KEQ", 18);
        equity.mint(alice, 100e18);
        equity.mint(bob, 300e18);
        snapshot = block.timestamp + 1 days;
        deadline = snapshot + 30 days;
        dividend = new SnapshotDistribution(address(equity), address(usdc), snapshot, 4_000e6, deadline, issuer);
        usdc.mint(issuer, 4_000e6);
        vm.startPrank(issuer);
        usdc.approve(address(dividend), 4_000e6);
        dividend.fund();
        vm.stopPrank();
    }

    function test_claim_proRata() public {
        vm.warp(snapshot + 1);
        dividend.claim(alice);
        dividend.claim(bob);
        assertEq(usdc.balanceOf(alice), 1_000e6);
        assertEq(usdc.balanceOf(bob), 3_000e6);
        assertEq(dividend.totalClaimed(), 4_000e6);
    }

    function test_snapshotBalancesCount_notCurrent() public {
        vm.warp(snapshot + 1);
        vm.prank(bob);
        equity.transfer(carol, 300e18);
        assertEq(dividend.entitlement(bob), 3_000e6);
        assertEq(dividend.entitlement(carol), 0);
        vm.expectRevert(abi.encodeWithSelector(SnapshotDistribution.NothingToClaim.selector, carol));
        dividend.claim(carol);
    }

    function test_doubleClaimReverts() public {
        vm.warp(snapshot + 1);
        dividend.claim(alice);
        vm.expectRevert(abi.encodeWithSelector(SnapshotDistribution.AlreadyClaimed.selector, alice));
        dividend.claim(alice);
    }

    function test_beforeSnapshotReverts() public {
        vm.expectRevert(abi.encodeWithSelector(SnapshotDistribution.SnapshotNotPassed.selector, snapshot));
        dividend.claim(alice);
    }

    function test_afterDeadlineReverts_thenRemainderWithdrawn() public {
        vm.warp(snapshot + 1);
        dividend.claim(alice);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(SnapshotDistribution.ClaimsOpen.selector, deadline));
        dividend.withdrawRemainder(issuer);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(SnapshotDistribution.ClaimsClosed.selector, deadline));
        dividend.claim(bob);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        dividend.withdrawRemainder(bob);
        vm.prank(issuer);
        dividend.withdrawRemainder(issuer);
        assertEq(usdc.balanceOf(issuer), 3_000e6);
    }

    function test_notFundedAndFundTwice() public {
        SnapshotDistribution d = new SnapshotDistribution(address(equity), address(usdc), snapshot, 1e6, deadline, issuer);
        vm.warp(snapshot + 1);
        vm.expectRevert(SnapshotDistribution.NotFunded.selector);
        d.claim(alice);
        vm.expectRevert(SnapshotDistribution.AlreadyFunded.selector);
        dividend.fund();
    }

    function test_invalidConfig() public {
        vm.expectRevert(SnapshotDistribution.InvalidConfig.selector);
        new SnapshotDistribution(address(equity), address(usdc), snapshot, 0, deadline, issuer);
        vm.expectRevert(SnapshotDistribution.InvalidConfig.selector);
        new SnapshotDistribution(address(equity), address(usdc), snapshot, 1, snapshot, issuer);
    }

    function test_reentrancy_maliciousDenomination() public {
        ReentrantERC20 evil = new ReentrantERC20();
        SnapshotDistribution d = new SnapshotDistribution(address(equity), address(evil), snapshot, 4_000e6, deadline, issuer);
        evil.mint(address(this), 4_000e6);
        evil.approve(address(d), 4_000e6);
        d.fund();
        vm.warp(snapshot + 1);
        evil.arm(address(d), abi.encodeCall(SnapshotDistribution.claim, (alice)));
        d.claim(alice);
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.balanceOf(alice), 1_000e6);
    }

    function testFuzz_sumOfClaimsNeverExceedsPool(uint256 a, uint256 b, uint256 c, uint256 pool) public {
        a = bound(a, 1, 1e30);
        b = bound(b, 1, 1e30);
        c = bound(c, 1, 1e30);
        pool = bound(pool, 1, 1e24);
        CheckpointedKeelToken e = _newCheckpointedAsset("E", "E", 18);
        e.mint(alice, a);
        e.mint(bob, b);
        e.mint(carol, c);
        SnapshotDistribution d = new SnapshotDistribution(address(e), address(usdc), snapshot, pool, deadline, issuer);
        usdc.mint(address(this), pool);
        usdc.approve(address(d), pool);
        d.fund();
        vm.warp(snapshot + 1);
        uint256 sum = d.entitlement(alice) + d.entitlement(bob) + d.entitlement(carol);
        assertLe(sum, pool);
        assertLe(pool - sum, 3); // rounding dust only
    }
}
