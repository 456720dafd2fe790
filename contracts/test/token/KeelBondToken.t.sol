// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelBondToken} from "../../src/token/KeelBondToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {RecordingModule} from "../mocks/TestModules.sol";
import {AddonTestERC20} from "../addons/mocks/AddonTestERC20.sol";

/// @notice A denomination asset that calls back into the bond while paying out.
contract ReenteringDenomination is AddonTestERC20 {
    address public target;
    bytes public payload;
    bool public reentered;
    bool public reentrySucceeded;

    constructor() AddonTestERC20("Reentrant USD", "rUSD", 6) {}

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (target != address(0) && !reentered) {
            reentered = true;
            (reentrySucceeded,) = target.call(payload);
        }
        return super.transfer(to, value);
    }
}

/// @notice Bond terms, maturity and redemption against the funded denomination asset.
contract KeelBondTokenTest is TokenFixture {
    event Redeemed(address indexed holder, uint256 amount, uint256 payout);
    event BondTermsSet(uint256 faceValue, uint64 maturity, address indexed denominationAsset);

    AddonTestERC20 internal usd;
    uint64 internal maturity;
    uint256 internal constant FACE = 1_000e6; // 1,000 USD (6 decimals) per whole bond

    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelBondToken(asImplementation);
    }

    function _bond() internal view returns (KeelBondToken) {
        return KeelBondToken(address(token));
    }

    function setUp() public override {
        vm.warp(1_000_000);
        super.setUp();
        usd = _denomination();
        maturity = uint64(block.timestamp + 365 days);
        vm.expectEmit(false, false, false, true, address(token));
        emit BondTermsSet(FACE, maturity, address(usd));
        vm.prank(governor);
        _bond().setBondTerms(FACE, maturity, address(usd));
        _unpause();
    }

    function _denomination() internal virtual returns (AddonTestERC20) {
        return new AddonTestERC20("USD", "USD", 6);
    }

    // The fixture's token has 6 decimals: 1e6 units = one whole bond.

    function test_terms() public view {
        (uint256 f, uint64 m, address d) = _bond().bondTerms();
        assertEq(f, FACE);
        assertEq(uint256(m), uint256(maturity));
        assertEq(d, address(usd));
        assertFalse(_bond().isMatured());
        assertEq(_bond().redemptionValue(2.5e6), 2_500e6);
    }

    function test_setBondTerms_onceAndValid() public {
        vm.startPrank(governor);
        vm.expectRevert(KeelBondToken.BondTermsAlreadySet.selector);
        _bond().setBondTerms(FACE, maturity, address(usd));
        vm.stopPrank();
        KeelBondToken fresh = KeelBondToken(address(_deployToken(address(_deployCompliance()))));
        fresh.grantRole(KeelRoles.GOVERNANCE_ROLE, address(this));
        vm.expectRevert(KeelBondToken.InvalidBondTerms.selector);
        fresh.setBondTerms(0, maturity, address(usd));
        vm.expectRevert(KeelBondToken.InvalidBondTerms.selector);
        fresh.setBondTerms(FACE, uint64(block.timestamp), address(usd));
        vm.expectRevert(KeelBondToken.InvalidBondTerms.selector);
        fresh.setBondTerms(FACE, maturity, address(0));
        vm.prank(alice);
        vm.expectRevert();
        fresh.setBondTerms(FACE, maturity, address(usd));
    }

    function test_redeemBeforeMaturityRefused() public {
        _mint(alice, 1e6);
        usd.mint(address(token), FACE);
        vm.warp(maturity - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelBondToken.BondNotMatured.selector, maturity));
        _bond().redeem(1e6);
    }

    function test_redeemUnderfundedRefused() public {
        _mint(alice, 2e6);
        usd.mint(address(token), FACE);
        vm.warp(maturity);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelBondToken.InsufficientRedemptionFunds.selector, FACE, 2 * FACE));
        _bond().redeem(2e6);
        (uint256 available, uint256 required) = _bond().redemptionFunding();
        assertEq(available, FACE);
        assertEq(required, 2 * FACE);
    }

    function test_redeemAfterMaturityBurnsAndPays() public {
        RecordingModule m = new RecordingModule(1);
        compliance.addModule(address(m));
        _mint(alice, 3e6);
        _mint(bob, 1e6);
        usd.mint(address(token), 4 * FACE);
        vm.warp(maturity);
        assertTrue(_bond().isMatured());
        vm.expectEmit(true, false, false, true, address(token));
        emit Redeemed(alice, 2e6, 2 * FACE);
        vm.prank(alice);
        assertEq(_bond().redeem(2e6), 2 * FACE);
        assertEq(token.balanceOf(alice), 1e6);
        assertEq(token.totalSupply(), 2e6);
        assertEq(usd.balanceOf(alice), 2 * FACE);
        assertEq(usd.balanceOf(address(token)), 2 * FACE);
        assertEq(m.destroyedCalls(address(compliance)), 1);
    }

    function test_redeemRefusedWhenPausedFrozenOrBeyondUnfrozen() public {
        _mint(alice, 3e6);
        usd.mint(address(token), 3 * FACE);
        vm.warp(maturity);
        vm.prank(custodian);
        token.freezePartialTokens(alice, 2e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.InsufficientUnfrozenBalance.selector, alice, 1e6, 2e6));
        _bond().redeem(2e6);
        vm.prank(alice);
        _bond().redeem(1e6);
        vm.prank(custodian);
        token.setAddressFrozen(alice, true);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.AddressIsFrozen.selector, alice));
        _bond().redeem(1);
        vm.prank(emergency);
        token.pause();
        vm.prank(bob);
        vm.expectRevert(KeelToken.TokenPaused.selector);
        _bond().redeem(0);
    }

    /// @dev The payout goes to the caller, so an unverified (e.g. lost) wallet cannot redeem.
    function test_redeemRefusedForUnverifiedWallet() public {
        _mint(alice, 1e6);
        usd.mint(address(token), FACE);
        vm.warp(maturity);
        registry.setVerified(alice, false);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, alice));
        _bond().redeem(1e6);
        registry.setVerified(alice, true);
        vm.prank(alice);
        _bond().redeem(1e6);
        assertEq(usd.balanceOf(alice), FACE);
    }

    /// @dev A forced move after maturity works, and the new holder redeems.
    function test_forcedTransferAfterMaturityThenRedeem() public {
        _mint(alice, 1e6);
        usd.mint(address(token), FACE);
        vm.warp(maturity + 1);
        vm.prank(custodian);
        token.forcedTransfer(alice, bob, 1e6);
        vm.prank(bob);
        _bond().redeem(1e6);
        assertEq(usd.balanceOf(bob), FACE);
        assertEq(token.totalSupply(), 0);
    }

    function testFuzz_redemption(uint256 held, uint256 amount, uint256 funding) public {
        held = bound(held, 0, 1e24);
        amount = bound(amount, 0, held);
        funding = bound(funding, 0, 2e33);
        if (held > 0) _mint(alice, held);
        usd.mint(address(token), funding);
        vm.warp(maturity);
        uint256 payout = amount * FACE / 1e6;
        vm.prank(alice);
        if (payout > funding) {
            vm.expectRevert(
                abi.encodeWithSelector(KeelBondToken.InsufficientRedemptionFunds.selector, funding, payout)
            );
            _bond().redeem(amount);
            assertEq(token.balanceOf(alice), held);
        } else {
            _bond().redeem(amount);
            assertEq(token.balanceOf(alice), held - amount);
            assertEq(usd.balanceOf(alice), payout);
            assertEq(usd.balanceOf(address(token)), funding - payout);
        }
    }
}

contract KeelBondTokenProxiedTest is KeelBondTokenTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}

/// @notice The payout happens after the burn and the funding check: a denomination asset
/// that re-enters `redeem` during the payout gains nothing and the books stay exact.
contract KeelBondTokenReentrancyTest is KeelBondTokenTest {
    function _denomination() internal override returns (AddonTestERC20) {
        return new ReenteringDenomination();
    }

    function test_reentrantRedeemCannotDoubleSpend() public {
        ReenteringDenomination r = ReenteringDenomination(address(usd));
        _mint(alice, 1e6);
        usd.mint(address(token), 10 * FACE);
        vm.warp(maturity);
        r.arm(address(token), abi.encodeCall(KeelBondToken.redeem, (1e6)));
        vm.prank(alice);
        _bond().redeem(1e6);
        assertTrue(r.reentered());
        assertFalse(r.reentrySucceeded(), "the re-entered redeem has no tokens to burn");
        assertEq(token.balanceOf(alice), 0);
        assertEq(usd.balanceOf(alice), FACE);
        assertEq(usd.balanceOf(address(token)), 9 * FACE);
    }
}
