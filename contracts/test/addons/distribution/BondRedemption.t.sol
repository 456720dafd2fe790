// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {KeelToken} from "../../../src/token/KeelToken.sol";
import {KeelRoles} from "../../../src/token/KeelRoles.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {BondRedemption} from "../../../src/addons/distribution/BondRedemption.sol";

contract BondRedemptionTest is AddonFixture {
    BondRedemption internal redemption;
    uint256 internal maturity;
    uint256 internal constant FACE = 1_000e6;

    function setUp() public override {
        super.setUp();
        maturity = block.timestamp + 365 days;
        redemption = new BondRedemption(address(token), address(usdc), FACE, maturity, issuer);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(redemption));
        token.mint(alice, 10e6);
        token.mint(bob, 5e6);
    }

    function _fundAndMature() internal {
        usdc.mint(address(redemption), 15_000e6);
        vm.warp(maturity);
        vm.prank(issuer);
        redemption.mature();
    }

    function test_mature_beforeDateReverts() public {
        usdc.mint(address(redemption), 15_000e6);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(BondRedemption.NotYetMaturityDate.selector, maturity));
        redemption.mature();
    }

    function test_mature_shortfallReverts() public {
        usdc.mint(address(redemption), 14_999e6);
        vm.warp(maturity);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(BondRedemption.RedemptionShortfall.selector, 15_000e6, 14_999e6));
        redemption.mature();
    }

    function test_mature_twiceReverts() public {
        _fundAndMature();
        vm.prank(issuer);
        vm.expectRevert(BondRedemption.AlreadyMatured.selector);
        redemption.mature();
    }

    function test_redeem_byHolder() public {
        _fundAndMature();
        vm.prank(alice);
        redemption.redeem(alice, 4e6);
        assertEq(usdc.balanceOf(alice), 4_000e6);
        assertEq(token.balanceOf(alice), 6e6);
        assertEq(token.totalSupply(), 11e6);
        assertEq(redemption.requiredCoverage(), 11_000e6);
    }

    function test_redeem_notMaturedReverts() public {
        vm.prank(alice);
        vm.expectRevert(BondRedemption.NotMatured.selector);
        redemption.redeem(alice, 1e6);
    }

    function test_redeem_onlyHolderOrOperator() public {
        _fundAndMature();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(BondRedemption.NotHolderOrOperator.selector, alice, bob));
        redemption.redeem(alice, 1e6);
        vm.prank(alice);
        redemption.setOperator(bob, true);
        vm.prank(bob);
        redemption.redeem(alice, 1e6);
        assertEq(usdc.balanceOf(alice), 1_000e6);
        assertEq(usdc.balanceOf(bob), 0);
    }

    function test_redeem_frozenHolderReverts() public {
        _fundAndMature();
        token.setAddressFrozen(alice, true);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BondRedemption.HolderFrozen.selector, alice));
        redemption.redeem(alice, 1e6);
        token.setAddressFrozen(alice, false);
        token.freezePartialTokens(alice, 8e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BondRedemption.InsufficientUnfrozenBalance.selector, alice, 2e6, 3e6));
        redemption.redeem(alice, 3e6);
    }

    function test_redeem_zeroReverts() public {
        _fundAndMature();
        vm.prank(alice);
        vm.expectRevert(BondRedemption.ZeroAmount.selector);
        redemption.redeem(alice, 0);
    }

    function test_withdrawExcess() public {
        usdc.mint(address(redemption), 16_000e6);
        vm.prank(issuer);
        redemption.withdrawExcess(issuer);
        assertEq(usdc.balanceOf(issuer), 1_000e6);
        vm.prank(issuer);
        vm.expectRevert(BondRedemption.ZeroAmount.selector);
        redemption.withdrawExcess(issuer);
    }

    function test_reentrancy_maliciousDenomination() public {
        ReentrantERC20 evil = new ReentrantERC20();
        BondRedemption r = new BondRedemption(address(token), address(evil), FACE, maturity, issuer);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(r));
        evil.mint(address(r), 15_000e6);
        vm.warp(maturity);
        vm.prank(issuer);
        r.mature();
        vm.prank(alice);
        r.setOperator(address(evil), true);
        evil.arm(address(r), abi.encodeCall(BondRedemption.redeem, (alice, 1e6)));
        vm.prank(alice);
        r.redeem(alice, 1e6);
        assertFalse(evil.lastCallSucceeded());
        assertEq(token.balanceOf(alice), 9e6);
        assertEq(evil.balanceOf(alice), 1_000e6);
    }

    function testFuzz_redemptionsStayCovered(uint256 a, uint256 b) public {
        a = bound(a, 1, 10e6);
        b = bound(b, 1, 5e6);
        _fundAndMature();
        vm.prank(alice);
        redemption.redeem(alice, a);
        vm.prank(bob);
        redemption.redeem(bob, b);
        assertGe(usdc.balanceOf(address(redemption)), redemption.requiredCoverage());
        assertEq(usdc.balanceOf(alice) + usdc.balanceOf(bob), (a + b) * FACE / 1e6);
    }
}
