// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {ReentrantModule} from "../mocks/TestModules.sol";

/// @notice Every token path that calls out (compliance hooks -> modules) re-entered from
/// a hostile module. Checks run before balances change and hooks after, so a nested
/// call sees a consistent state and the totals stay exact. Checks are view calls
/// (STATICCALL), so a module cannot change state from `checkTransfer`.
contract KeelTokenReentrancyTest is TokenFixture {
    ReentrantModule internal r;

    function setUp() public override {
        super.setUp();
        r = new ReentrantModule();
        compliance.addModule(address(r));
        _mint(alice, 1_000);
        _unpause();
    }

    function _assertTotals() internal view {
        assertEq(
            token.balanceOf(alice) + token.balanceOf(bob) + token.balanceOf(carol) + token.balanceOf(address(r)),
            token.totalSupply()
        );
        assertLe(token.getFrozenTokens(alice), token.balanceOf(alice));
    }

    function test_transferHook_reentersTransferFrom_withAllowance() public {
        vm.prank(alice);
        token.approve(address(r), 100);
        r.arm(address(token), abi.encodeCall(KeelToken.transferFrom, (alice, carol, 100)));
        vm.prank(alice);
        token.transfer(bob, 10);
        assertTrue(r.reentered());
        assertTrue(r.reentrySucceeded(), "nested movement runs the full path");
        assertEq(token.balanceOf(carol), 100);
        assertEq(token.balanceOf(alice), 890);
        _assertTotals();
    }

    function test_transferHook_reentryToUnverifiedRecipientFails() public {
        vm.prank(alice);
        token.approve(address(r), 100);
        r.arm(address(token), abi.encodeCall(KeelToken.transferFrom, (alice, mallory, 100)));
        vm.prank(alice);
        token.transfer(bob, 10);
        assertFalse(r.reentrySucceeded());
        assertEq(r.reentryError(), abi.encodeWithSelector(KeelToken.RecipientNotVerified.selector, mallory));
        _assertTotals();
    }

    function test_mintHook_reentersMint_withoutRoleFails() public {
        r.arm(address(token), abi.encodeCall(KeelToken.mint, (bob, 1)));
        _mint(alice, 1);
        assertFalse(r.reentrySucceeded());
        assertEq(
            r.reentryError(),
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, address(r), KeelRoles.SUPPLY_MANAGEMENT_ROLE
            )
        );
        _assertTotals();
    }

    function test_forcedTransferHook_reentersForcedTransfer_asCustodian() public {
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, address(r));
        r.arm(address(token), abi.encodeCall(KeelToken.forcedTransfer, (alice, carol, 500)));
        vm.prank(custodian);
        token.forcedTransfer(alice, bob, 400);
        assertTrue(r.reentrySucceeded());
        assertEq(token.balanceOf(alice), 100);
        _assertTotals();
    }

    function test_burnHook_reentersBurn_sawFinalState() public {
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(r));
        // the outer burn already removed 600: a nested burn of 500 must fail (400 left)
        r.arm(address(token), abi.encodeCall(KeelToken.burn, (alice, 500)));
        vm.prank(issuer);
        token.burn(alice, 600);
        assertFalse(r.reentrySucceeded());
        assertEq(token.totalSupply(), 400);
        _assertTotals();
    }

    function test_recoveryHook_reentersRecovery_nothingLeftToRecover() public {
        address aliceNew = makeAddr("alice-new");
        registry.registerIdentity(aliceNew, registry.identity(alice), US);
        address aliceId = address(registry.identity(alice));
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, address(r));
        r.arm(address(token), abi.encodeCall(KeelToken.recoveryAddress, (alice, aliceNew, aliceId)));
        vm.prank(custodian);
        token.recoveryAddress(alice, aliceNew, aliceId);
        assertFalse(r.reentrySucceeded());
        assertEq(r.reentryError(), abi.encodeWithSelector(KeelToken.NothingToRecover.selector, alice));
        assertEq(token.balanceOf(aliceNew), 1_000);
    }
}

contract KeelTokenReentrancyProxiedTest is KeelTokenReentrancyTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
