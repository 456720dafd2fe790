// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {MaxBalanceModule} from "../../../src/compliance/modules/MaxBalanceModule.sol";

contract MaxBalanceModuleTest is ModuleFixture {
    MaxBalanceModule internal m;

    function _deployModule() internal override returns (address) {
        m = new MaxBalanceModule();
        return address(m);
    }

    function test_name() public view {
        assertEq(m.name(), "MaxBalance");
    }

    function test_limitsRecipientBalance() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        assertEq(m.maxBalance(address(compliance)), 100);
        _mint(alice, 100);
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, alice, 101, 100)));
        token.mint(alice, 1);
        _mint(bob, 60);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, bob, 101, 100)));
        token.transfer(bob, 41);
        _send(alice, bob, 40);
        assertEq(token.balanceOf(bob), 100);
    }

    function test_forcedTransferMayExceed_hooksDoNotBrick() public {
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (100)));
        _mint(alice, 100);
        _mint(bob, 100);
        _forced(alice, bob, 50);
        assertEq(token.balanceOf(bob), 150);
        _send(bob, alice, 10); // sending stays possible
    }

    function test_unconfiguredMeansZero() public {
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxBalanceModule.MaxBalanceExceeded.selector, alice, 1, 0)));
        token.mint(alice, 1);
    }

    function testFuzz_maxBalance(uint256 max, uint256 amount) public {
        max = bound(max, 0, type(uint128).max);
        amount = bound(amount, 0, type(uint128).max);
        _cfg(abi.encodeCall(MaxBalanceModule.setMaxBalance, (max)));
        assertEq(compliance.canTransfer(address(0), alice, amount), amount <= max);
    }
}
