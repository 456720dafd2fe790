// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {MaxBalanceModule} from "../../../src/compliance/modules/MaxBalanceModule.sol";

contract MaxBalanceModuleTest is ModuleFixture {
    MaxBalanceModule internal m;
    address internal alice2 = makeAddr("alice-second-wallet");

    function _deployModule() internal override returns (address) {
        m = new MaxBalanceModule();
        return address(m);
    }

    function setUp() public override {
        super.setUp();
        registry.registerIdentity(alice2, registry.identity(alice), US);
    }

    function _id(address w) internal view returns (address) {
        return address(registry.identity(w));
    }

    function _held(address w) internal view returns (uint256) {
        return m.investorBalance(address(compliance), address(token), _id(w));
    }

    function test_name() public view {
        assertEq(m.name(), "MaxBalance");
    }

    function test_limitsInvestorBalance() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        assertEq(m.maxBalance(address(compliance)), 100);
        _mint(alice, 100);
        address aliceId = _id(alice);
        address bobId = _id(bob);
        vm.prank(issuer);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, aliceId, 101, 100))
        );
        token.mint(alice, 1);
        _mint(bob, 60);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, bobId, 101, 100)));
        token.transfer(bob, 41);
        _send(alice, bob, 40);
        assertEq(_held(bob), 100);
        assertEq(_held(alice), 60);
    }

    function test_aggregatesWalletsOfOneIdentity() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        _mint(alice, 70);
        address aliceId = _id(alice);
        vm.prank(issuer);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, aliceId, 101, 100))
        );
        token.mint(alice2, 31); // second wallet, same investor
        _send(alice, alice2, 70); // moving between own wallets is always fine
        assertEq(_held(alice), 70);
        _mint(alice2, 30);
        assertEq(_held(alice2), 100);
    }

    function test_forcedTransferMayExceed_hooksDoNotBrick() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        _mint(alice, 100);
        _mint(bob, 100);
        _forced(alice, bob, 50);
        assertEq(_held(bob), 150);
        _send(bob, alice, 10); // sending stays possible
        assertEq(_held(bob), 140);
        vm.prank(issuer);
        token.burn(bob, 140);
        assertEq(_held(bob), 0);
    }

    function test_unconfiguredMeansZero() public {
        address aliceId = _id(alice);
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, aliceId, 1, 0)));
        token.mint(alice, 1);
    }

    function test_rebindResetsHoldings() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        _mint(alice, 100);
        _rebind();
        assertEq(_held(alice), 0);
        assertEq(m.maxBalance(address(compliance)), 0);
    }

    function testFuzz_maxBalance(uint256 max, uint256 amount) public {
        max = bound(max, 0, type(uint128).max);
        amount = bound(amount, 0, type(uint128).max);
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (max)));
        assertEq(compliance.canTransfer(address(0), alice, amount), amount <= max);
    }

    function testFuzz_holdingsTrackBalances(uint256 a, uint256 b) public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (type(uint256).max)));
        a = bound(a, 0, 1e30);
        b = bound(b, 0, a);
        _mint(alice, a);
        _send(alice, bob, b);
        assertEq(_held(alice), token.balanceOf(alice) + token.balanceOf(alice2));
        assertEq(_held(bob), token.balanceOf(bob));
    }
}

contract MaxBalanceModuleProxiedTest is MaxBalanceModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
