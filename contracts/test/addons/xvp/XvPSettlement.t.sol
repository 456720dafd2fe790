// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {KeelToken} from "../../../src/token/KeelToken.sol";
import {XvPSettlement} from "../../../src/addons/xvp/XvPSettlement.sol";
import {XvPSettlementFactory} from "../../../src/addons/xvp/XvPSettlementFactory.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract XvPSettlementTest is AddonFixture {
    XvPSettlementFactory internal factory;
    KeelToken internal equity;
    bytes32 internal constant SECRET = keccak256("the secret");

    function setUp() public override {
        super.setUp();
        factory = new XvPSettlementFactory();
        equity = _newAsset("Keel Equity", "KEQ", 18);
        _mintAsset(token, alice, 1_000e6);
        _mintAsset(equity, carol, 1_000e18);
        usdc.mint(bob, 1_000_000e6);
        usdc.mint(dave, 1_000_000e6);
    }

    function _leg(address asset, address from, address to, uint256 amount)
        internal
        pure
        returns (XvPSettlement.Leg memory)
    {
        return XvPSettlement.Leg(asset, from, to, amount, 0);
    }

    /// alice delivers 100 bonds to bob, bob pays 99,000 USDC.
    function _dvp(bool auto_, bytes32 lock) internal returns (XvPSettlement s) {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, 100e6);
        legs[1] = _leg(address(usdc), bob, alice, 99_000e6);
        s = factory.create(legs, block.timestamp + 1 days, auto_, lock);
        registry.register(address(s), US);
    }

    function _approveAs(XvPSettlement s, address who) internal {
        vm.startPrank(who);
        token.approve(address(s), type(uint256).max);
        equity.approve(address(s), type(uint256).max);
        usdc.approve(address(s), type(uint256).max);
        s.approve();
        vm.stopPrank();
    }

    // ------------------------------------------------------------ creation

    function test_create_registersAndComputesNetFlows() public {
        XvPSettlement s = _dvp(false, bytes32(0));
        assertTrue(factory.isSettlement(address(s)));
        assertEq(s.senders().length, 2);
        assertEq(s.deposits().length, 2);
        assertEq(s.payouts().length, 2);
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Open));
    }

    function test_create_revertsWithoutLegs() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](0);
        vm.expectRevert(XvPSettlement.NoLegs.selector);
        factory.create(legs, block.timestamp + 1, false, 0);
    }

    function test_create_revertsOverMaxLegs() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](17);
        for (uint256 i; i < 17; ++i) legs[i] = _leg(address(usdc), bob, alice, 1);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.TooManyLegs.selector, 17, 16));
        factory.create(legs, block.timestamp + 1, false, 0);
    }

    function test_create_revertsOnInvalidLeg() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(usdc), bob, alice, 1);
        legs[1] = _leg(address(usdc), bob, bob, 1);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.InvalidLeg.selector, 1));
        factory.create(legs, block.timestamp + 1, false, 0);
        legs[1] = _leg(address(usdc), bob, alice, 0);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.InvalidLeg.selector, 1));
        factory.create(legs, block.timestamp + 1, false, 0);
        legs[1] = _leg(address(0), bob, alice, 1);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.InvalidLeg.selector, 1));
        factory.create(legs, block.timestamp + 1, false, 0);
    }

    function test_create_revertsOnPastCutoff() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](1);
        legs[0] = _leg(address(usdc), bob, alice, 1);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.CutoffInPast.selector, block.timestamp));
        factory.create(legs, block.timestamp, false, 0);
    }

    function test_create_externalLegRequiresHashlock() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, 1e6);
        legs[1] = XvPSettlement.Leg(address(0xBEEF), bob, alice, 100, 137);
        vm.expectRevert(XvPSettlement.HashlockRequired.selector);
        factory.create(legs, block.timestamp + 1, false, 0);
    }

    // ------------------------------------------------------------ approve / execute

    function test_approve_escrowsNetOutgoing() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        assertEq(token.balanceOf(address(s)), 100e6);
        assertEq(s.escrowOf(alice, address(token)), 100e6);
        assertTrue(s.approved(alice));
        assertEq(s.approvalCount(), 1);
        assertFalse(s.isFullyApproved());
    }

    function test_execute_settlesBothLegs() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        s.execute(0);
        assertEq(token.balanceOf(bob), 100e6);
        assertEq(usdc.balanceOf(alice), 99_000e6);
        assertEq(token.balanceOf(address(s)), 0);
        assertEq(usdc.balanceOf(address(s)), 0);
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Executed));
        assertEq(s.totalSettled(address(token)), 100e6);
    }

    function test_autoExecute_onLastApproval() public {
        XvPSettlement s = _dvp(true, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Executed));
        assertEq(token.balanceOf(bob), 100e6);
    }

    function test_fourLegs_nettedAcrossParties() public {
        // alice: bonds -> bob; bob: usdc -> alice; carol: equity -> dave; dave: usdc -> carol,
        // plus bob pays dave back part of it in usdc: nets per (party, asset).
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](4);
        legs[0] = _leg(address(token), alice, bob, 10e6);
        legs[1] = _leg(address(usdc), bob, alice, 10_000e6);
        legs[2] = _leg(address(equity), carol, dave, 5e18);
        legs[3] = _leg(address(usdc), dave, carol, 7_000e6);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        registry.register(address(s), US);
        _approveAs(s, alice);
        _approveAs(s, bob);
        _approveAs(s, carol);
        _approveAs(s, dave);
        s.execute(0);
        assertEq(token.balanceOf(bob), 10e6);
        assertEq(equity.balanceOf(dave), 5e18);
        assertEq(usdc.balanceOf(alice), 10_000e6);
        assertEq(usdc.balanceOf(carol), 7_000e6);
    }

    function test_netting_senderWithNetIncomingEscrowsNothing() public {
        // bob pays alice 100 and alice pays bob 40 in the same currency: only bob escrows 60.
        registry.register(address(this), US);
        usdc.mint(alice, 40e6);
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(usdc), bob, alice, 100e6);
        legs[1] = _leg(address(usdc), alice, bob, 40e6);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        _approveAs(s, alice);
        assertEq(usdc.balanceOf(address(s)), 0);
        _approveAs(s, bob);
        assertEq(usdc.balanceOf(address(s)), 60e6);
        s.execute(0);
        assertEq(usdc.balanceOf(alice), 100e6);
    }

    function test_approve_revertsForNonSender() public {
        XvPSettlement s = _dvp(false, 0);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotASender.selector, carol));
        s.approve();
    }

    function test_approve_revertsTwice() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.AlreadyApproved.selector, alice));
        s.approve();
    }

    function test_approve_revertsAfterCutoff() public {
        XvPSettlement s = _dvp(false, 0);
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.SettlementExpired.selector, s.cutoff()));
        s.approve();
    }

    function test_approve_revertsWhenRecipientNotVerified_nothingTaken() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, mallory, 100e6);
        legs[1] = _leg(address(usdc), bob, alice, 1e6);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        registry.register(address(s), US);
        vm.startPrank(alice);
        token.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.LegNotCompliant.selector, 0));
        s.approve();
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 1_000e6);
    }

    function test_approve_revertsWhenAssetPaused() public {
        XvPSettlement s = _dvp(false, 0);
        token.pause();
        vm.startPrank(alice);
        token.approve(address(s), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.LegNotCompliant.selector, 0));
        s.approve();
        vm.stopPrank();
    }

    function test_execute_revertsWhenNotFullyApproved() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotFullyApproved.selector, 1, 2));
        s.execute(0);
    }

    function test_execute_revertsAfterCutoff() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        vm.warp(block.timestamp + 1 days + 1);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.SettlementExpired.selector, s.cutoff()));
        s.execute(0);
    }

    function test_execute_enforcesComplianceAgain_allOrNothing() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        registry.setVerified(bob, false); // bob lost his eligibility after approving
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.LegNotCompliant.selector, 0));
        s.execute(0);
        assertEq(usdc.balanceOf(alice), 0);
        assertEq(token.balanceOf(address(s)), 100e6);
    }

    function test_execute_revertsTwice() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        s.execute(0);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotOpen.selector, XvPSettlement.Status.Executed));
        s.execute(0);
    }

    // ------------------------------------------------------------ HTLC

    function test_htlc_requiresSecret() public {
        XvPSettlement s = _dvp(true, keccak256(abi.encodePacked(SECRET)));
        _approveAs(s, alice);
        _approveAs(s, bob);
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Open)); // no auto-execute without secret
        vm.expectRevert(XvPSettlement.InvalidSecret.selector);
        s.execute(keccak256("wrong"));
        vm.expectEmit(true, false, false, true, address(s));
        emit XvPSettlement.SettlementExecuted(address(this), SECRET);
        s.execute(SECRET);
        assertEq(token.balanceOf(bob), 100e6);
    }

    function test_htlc_externalLegNotEscrowed() public {
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, 100e6);
        legs[1] = XvPSettlement.Leg(address(0xBEEF), bob, alice, 99_000e6, 137);
        XvPSettlement s =
            factory.create(legs, block.timestamp + 1 days, false, keccak256(abi.encodePacked(SECRET)));
        registry.register(address(s), US);
        assertEq(s.senders().length, 1);
        _approveAs(s, alice);
        s.execute(SECRET);
        assertEq(token.balanceOf(bob), 100e6);
    }

    // ------------------------------------------------------------ revoke / cancel / expiry

    function test_revoke_returnsEscrow() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        vm.prank(alice);
        s.revokeApproval();
        assertEq(token.balanceOf(alice), 1_000e6);
        assertEq(s.approvalCount(), 0);
        assertEq(s.totalReturned(address(token)), 100e6);
        // re-approval escrows again
        _approveAs(s, alice);
        assertEq(token.balanceOf(address(s)), 100e6);
    }

    function test_revoke_revertsWhenNotApproved() public {
        XvPSettlement s = _dvp(false, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotApproved.selector, alice));
        s.revokeApproval();
    }

    function test_revoke_revertsAfterExecution() public {
        XvPSettlement s = _dvp(true, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotOpen.selector, XvPSettlement.Status.Executed));
        s.revokeApproval();
    }

    function test_cancel_unanimousThenWithdraw() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        vm.prank(alice);
        s.voteCancel();
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Open));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.AlreadyVotedCancel.selector, alice));
        s.voteCancel();
        vm.prank(bob);
        s.voteCancel();
        assertEq(uint256(s.status()), uint256(XvPSettlement.Status.Cancelled));
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotOpen.selector, XvPSettlement.Status.Cancelled));
        s.execute(0);
        s.withdrawEscrow(alice);
        assertEq(token.balanceOf(alice), 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NothingToWithdraw.selector, alice));
        s.withdrawEscrow(alice);
    }

    function test_cancel_revertsForNonSender() public {
        XvPSettlement s = _dvp(false, 0);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotASender.selector, carol));
        s.voteCancel();
    }

    function test_withdraw_onlyAfterExpiry() public {
        XvPSettlement s = _dvp(false, 0);
        _approveAs(s, alice);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.SettlementNotExpired.selector, s.cutoff()));
        s.withdrawEscrow(alice);
        vm.warp(block.timestamp + 1 days + 1);
        assertTrue(s.isExpired());
        s.withdrawEscrow(alice);
        assertEq(token.balanceOf(alice), 1_000e6);
    }

    function test_withdraw_revertsAfterExecution() public {
        XvPSettlement s = _dvp(true, 0);
        _approveAs(s, alice);
        _approveAs(s, bob);
        vm.warp(block.timestamp + 2 days);
        vm.expectRevert(abi.encodeWithSelector(XvPSettlement.NotOpen.selector, XvPSettlement.Status.Executed));
        s.withdrawEscrow(alice);
    }

    // ------------------------------------------------------------ reentrancy

    function test_reentrancy_maliciousCurrencyCannotDoubleWithdraw() public {
        ReentrantERC20 evil = new ReentrantERC20();
        evil.mint(bob, 1_000e6);
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, 100e6);
        legs[1] = _leg(address(evil), bob, alice, 500e6);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        registry.register(address(s), US);
        _approveAs(s, alice);
        vm.startPrank(bob);
        evil.approve(address(s), type(uint256).max);
        s.approve();
        vm.stopPrank();
        vm.warp(block.timestamp + 2 days);
        // on the refund transfer, the currency re-enters withdrawEscrow for bob and alice
        evil.arm(address(s), abi.encodeCall(XvPSettlement.withdrawEscrow, (bob)));
        s.withdrawEscrow(bob);
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.lastReturnData(), abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        assertEq(evil.balanceOf(bob), 1_000e6);
        assertEq(evil.balanceOf(address(s)), 0);
    }

    function test_reentrancy_callbackDuringExecuteCannotRevokeOrExecute() public {
        ReentrantERC20 evil = new ReentrantERC20();
        evil.mint(bob, 1_000e6);
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, 100e6);
        legs[1] = _leg(address(evil), bob, alice, 500e6);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        registry.register(address(s), US);
        _approveAs(s, alice);
        vm.startPrank(bob);
        evil.approve(address(s), type(uint256).max);
        s.approve();
        vm.stopPrank();
        evil.arm(address(s), abi.encodeCall(XvPSettlement.execute, (bytes32(0))));
        s.execute(0);
        assertFalse(evil.lastCallSucceeded());
        assertEq(evil.balanceOf(alice), 500e6);
        assertEq(token.balanceOf(bob), 100e6);
    }

    // ------------------------------------------------------------ fuzz

    function testFuzz_settlementConservesAmounts(uint256 bondAmount, uint256 price, bool revokeFirst) public {
        bondAmount = bound(bondAmount, 1, 1_000e6);
        price = bound(price, 1, 1_000_000e6);
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](2);
        legs[0] = _leg(address(token), alice, bob, bondAmount);
        legs[1] = _leg(address(usdc), bob, alice, price);
        XvPSettlement s = factory.create(legs, block.timestamp + 1 days, false, 0);
        registry.register(address(s), US);
        _approveAs(s, alice);
        if (revokeFirst) {
            vm.prank(alice);
            s.revokeApproval();
            _approveAs(s, alice);
        }
        _approveAs(s, bob);
        s.execute(0);
        assertEq(token.balanceOf(bob), bondAmount);
        assertEq(token.balanceOf(alice), 1_000e6 - bondAmount);
        assertEq(usdc.balanceOf(alice), price);
        assertEq(usdc.balanceOf(bob), 1_000_000e6 - price);
        assertEq(
            s.totalDeposited(address(token)), s.totalSettled(address(token)) + s.totalReturned(address(token))
        );
    }
}
