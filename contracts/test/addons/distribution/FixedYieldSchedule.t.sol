// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {CheckpointedKeelToken} from "../mocks/CheckpointedKeelToken.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {FixedYieldSchedule} from "../../../src/addons/distribution/FixedYieldSchedule.sol";
import {TreasuryPayer} from "../../../src/addons/distribution/TreasuryPayer.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract FixedYieldScheduleTest is AddonFixture {
    CheckpointedKeelToken internal bond;
    FixedYieldSchedule internal schedule;
    address internal treasuryWallet = makeAddr("treasury");
    uint256 internal start;
    uint256 internal constant INTERVAL = 90 days;
    uint256 internal constant FACE = 1_000e6; // 1,000 USDC per bond
    uint256 internal constant RATE = 500; // 5 % a year

    function setUp() public override {
        super.setUp();
        bond = _newCheckpointedAsset("Keel Bond", "KB", 6);
        start = block.timestamp + 1;
        schedule = new FixedYieldSchedule(
            address(bond), address(usdc), start, start + 4 * INTERVAL, RATE, INTERVAL, FACE, treasuryWallet, issuer
        );
        bond.mint(alice, 10e6);
        bond.mint(bob, 30e6);
        usdc.mint(treasuryWallet, 1_000_000e6);
        vm.prank(treasuryWallet);
        usdc.approve(address(schedule), type(uint256).max);
    }

    function _expected(uint256 balance, uint256 length) internal pure returns (uint256) {
        return balance * FACE * RATE * length / (10_000 * 365 days * 1e6);
    }

    function test_schedule() public {
        assertEq(schedule.periodCount(), 4);
        assertEq(schedule.periodEnd(0), start + INTERVAL);
        assertEq(schedule.periodEnd(3), start + 4 * INTERVAL);
        assertEq(schedule.completedPeriods(), 0);
        vm.warp(start + INTERVAL);
        assertEq(schedule.completedPeriods(), 0); // the period's last second is not over
        vm.warp(start + INTERVAL + 1);
        assertEq(schedule.completedPeriods(), 1);
        vm.warp(start + 100 * INTERVAL);
        assertEq(schedule.completedPeriods(), 4);
        vm.expectRevert(abi.encodeWithSelector(FixedYieldSchedule.PeriodOutOfRange.selector, 4));
        schedule.periodEnd(4);
    }

    function test_lastPeriodIsClipped() public {
        FixedYieldSchedule s = new FixedYieldSchedule(
            address(bond), address(usdc), start, start + 2 * INTERVAL + 10 days, RATE, INTERVAL, FACE, address(0), issuer
        );
        assertEq(s.periodCount(), 3);
        assertEq(s.periodEnd(2), start + 2 * INTERVAL + 10 days);
        vm.warp(start + 3 * INTERVAL);
        assertEq(s.yieldFor(alice, 2), _expected(10e6, 10 days));
    }

    function test_claim_completedPeriod() public {
        vm.warp(start + INTERVAL + 1);
        vm.prank(alice);
        uint256 paid = schedule.claim();
        assertEq(paid, _expected(10e6, INTERVAL));
        assertEq(usdc.balanceOf(alice), paid);
        assertEq(schedule.nextPeriod(alice), 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(FixedYieldSchedule.NothingToClaim.selector, alice));
        schedule.claim();
    }

    function test_claim_beforeFirstPeriodEndsReverts() public {
        vm.warp(start + INTERVAL - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(FixedYieldSchedule.NothingToClaim.selector, alice));
        schedule.claim();
    }

    function test_claim_nonHolderReverts() public {
        vm.warp(start + INTERVAL + 1);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(FixedYieldSchedule.NothingToClaim.selector, carol));
        schedule.claim();
    }

    function test_claim_severalPeriodsAtOnce_followsBalances() public {
        vm.warp(start + INTERVAL / 2);
        vm.prank(bob);
        bond.transfer(alice, 10e6); // alice 20 from period 0 on
        vm.warp(start + INTERVAL + 5 days);
        vm.prank(alice);
        bond.transfer(carol, 20e6); // alice 0 from period 1 on
        vm.warp(start + 10 * INTERVAL);
        assertEq(schedule.claimable(alice), _expected(20e6, INTERVAL));
        assertEq(schedule.claimable(carol), 3 * _expected(20e6, INTERVAL));
        vm.prank(carol);
        schedule.claim();
        assertEq(usdc.balanceOf(carol), 3 * _expected(20e6, INTERVAL));
        assertEq(schedule.nextPeriod(carol), 4);
    }

    function test_entitlementFixedAfterPeriodEnd() public {
        vm.warp(start + INTERVAL + 1);
        uint256 before = schedule.yieldFor(bob, 0);
        vm.prank(bob);
        bond.transfer(alice, 30e6);
        bond.mint(bob, 500e6);
        assertEq(schedule.yieldFor(bob, 0), before);
    }

    function test_shortfall_thenTopUp() public {
        vm.prank(treasuryWallet);
        usdc.approve(address(schedule), 1e6);
        vm.warp(start + INTERVAL + 1);
        uint256 owed = _expected(30e6, INTERVAL);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TreasuryPayer.TreasuryShortfall.selector, treasuryWallet, owed, 1e6));
        schedule.claim();
        vm.prank(treasuryWallet);
        usdc.approve(address(schedule), type(uint256).max);
        vm.prank(bob);
        schedule.claim();
        assertEq(usdc.balanceOf(bob), owed);
    }

    function test_internalTreasury_topUpWithdrawShortfall() public {
        FixedYieldSchedule s = new FixedYieldSchedule(
            address(bond), address(usdc), start, start + 4 * INTERVAL, RATE, INTERVAL, FACE, address(0), issuer
        );
        assertEq(s.treasury(), address(s));
        vm.warp(start + INTERVAL + 1);
        uint256 owed = _expected(30e6, INTERVAL);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(TreasuryPayer.TreasuryShortfall.selector, address(s), owed, 0));
        s.claim();
        usdc.mint(carol, owed + 5e6);
        vm.startPrank(carol);
        usdc.approve(address(s), type(uint256).max);
        s.topUp(owed + 5e6);
        vm.stopPrank();
        assertEq(s.treasuryAvailable(), owed + 5e6);
        vm.prank(bob);
        s.claim();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        s.withdraw(alice, 1);
        vm.prank(issuer);
        s.withdraw(issuer, 5e6);
        assertEq(usdc.balanceOf(issuer), 5e6);
    }

    function test_withdraw_revertsWithExternalTreasury() public {
        vm.prank(issuer);
        vm.expectRevert(FixedYieldSchedule.NotInternalTreasury.selector);
        schedule.withdraw(issuer, 1);
    }

    function test_topUpExternal_andZero() public {
        usdc.mint(carol, 10e6);
        vm.startPrank(carol);
        usdc.approve(address(schedule), 10e6);
        schedule.topUp(10e6);
        vm.expectRevert(FixedYieldSchedule.ZeroAmount.selector);
        schedule.topUp(0);
        vm.stopPrank();
        assertEq(usdc.balanceOf(treasuryWallet), 1_000_010e6);
    }

    function test_setTreasury_onlyOwner() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        schedule.setTreasury(alice);
        vm.prank(issuer);
        schedule.setTreasury(address(0));
        assertEq(schedule.treasury(), address(schedule));
    }

    function test_invalidSchedule() public {
        vm.expectRevert(FixedYieldSchedule.InvalidSchedule.selector);
        new FixedYieldSchedule(address(bond), address(usdc), start, start, RATE, INTERVAL, FACE, address(0), issuer);
        vm.expectRevert(FixedYieldSchedule.InvalidSchedule.selector);
        new FixedYieldSchedule(address(bond), address(usdc), start, start + 1, RATE, 0, FACE, address(0), issuer);
        vm.expectRevert(FixedYieldSchedule.InvalidSchedule.selector);
        new FixedYieldSchedule(address(bond), address(usdc), start, start + 1, 0, INTERVAL, FACE, address(0), issuer);
    }

    function test_totalYieldForPeriod() public {
        vm.warp(start + INTERVAL + 1);
        assertEq(schedule.totalYieldForPeriod(0), _expected(40e6, INTERVAL));
        assertLe(schedule.yieldFor(alice, 0) + schedule.yieldFor(bob, 0), schedule.totalYieldForPeriod(0));
    }

    function test_reentrancy_maliciousDenominationCannotDoubleClaim() public {
        ReentrantERC20 evil = new ReentrantERC20();
        FixedYieldSchedule s = new FixedYieldSchedule(
            address(bond), address(evil), start, start + 4 * INTERVAL, RATE, INTERVAL, FACE, address(0), issuer
        );
        evil.mint(address(s), 1_000_000e6);
        vm.warp(start + INTERVAL + 1);
        evil.arm(address(s), abi.encodeCall(FixedYieldSchedule.claim, ()));
        vm.prank(alice);
        s.claim();
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.lastReturnData(), abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        assertEq(evil.balanceOf(alice), _expected(10e6, INTERVAL));
    }

    function testFuzz_yieldProportionalToBalance(uint256 a, uint256 b, uint256 t) public {
        a = bound(a, 0, 1_000_000e6);
        b = bound(b, 0, 1_000_000e6);
        bond.mint(carol, a);
        bond.mint(dave, b);
        t = bound(t, start + INTERVAL + 1, start + 10 * INTERVAL);
        vm.warp(t);
        uint256 done = schedule.completedPeriods();
        for (uint256 p; p < done; ++p) {
            assertEq(schedule.yieldFor(carol, p), _expected(a, INTERVAL));
            assertLe(
                schedule.yieldFor(alice, p) + schedule.yieldFor(bob, p) + schedule.yieldFor(carol, p)
                    + schedule.yieldFor(dave, p),
                schedule.totalYieldForPeriod(p)
            );
        }
    }
}
