// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {AddressAllowListModule} from "../../../src/compliance/modules/AddressAllowListModule.sol";
import {AddressBlockListModule} from "../../../src/compliance/modules/AddressBlockListModule.sol";

contract AddressAllowListModuleTest is ModuleFixture {
    AddressAllowListModule internal m;

    function _deployModule() internal override returns (address) {
        m = new AddressAllowListModule();
        return address(m);
    }

    function test_name() public view {
        assertEq(m.name(), "AddressAllowList");
    }

    function test_mintNeedsRecipientListed_transferNeedsBoth() public {
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(AddressAllowListModule.AddressNotAllowed.selector, alice)));
        token.mint(alice, 10);
        _cfg(abi.encodeCall(AddressAllowListModule.setAddressAllowed, (alice, true)));
        _mint(alice, 10);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(AddressAllowListModule.AddressNotAllowed.selector, bob)));
        token.transfer(bob, 1);
        address[] memory list = new address[](1);
        list[0] = bob;
        _cfg(abi.encodeCall(AddressAllowListModule.batchSetAddressAllowed, (list, true)));
        _send(alice, bob, 1);
        _cfg(abi.encodeCall(AddressAllowListModule.setAddressAllowed, (alice, false)));
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(AddressAllowListModule.AddressNotAllowed.selector, alice)));
        token.transfer(bob, 1);
        assertTrue(m.isAddressAllowed(address(compliance), bob));
    }

    function test_rebindClearsConfig() public {
        _cfg(abi.encodeCall(AddressAllowListModule.setAddressAllowed, (alice, true)));
        _rebind();
        assertFalse(m.isAddressAllowed(address(compliance), alice));
    }

    function testFuzz_listed(address who, bool listed) public {
        _cfg(abi.encodeCall(AddressAllowListModule.setAddressAllowed, (who, listed)));
        assertEq(compliance.canTransfer(address(0), who, 1), listed);
    }
}

contract AddressBlockListModuleTest is ModuleFixture {
    AddressBlockListModule internal m;

    function _deployModule() internal override returns (address) {
        m = new AddressBlockListModule();
        return address(m);
    }

    function test_name() public view {
        assertEq(m.name(), "AddressBlockList");
    }

    function test_blockedSenderOrRecipientRejected() public {
        _mint(alice, 10);
        _cfg(abi.encodeCall(AddressBlockListModule.setAddressBlocked, (bob, true)));
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(AddressBlockListModule.AddressBlocked.selector, bob)));
        token.transfer(bob, 1);
        _cfg(abi.encodeCall(AddressBlockListModule.setAddressBlocked, (alice, true)));
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(AddressBlockListModule.AddressBlocked.selector, alice)));
        token.transfer(carol, 1);
        address[] memory list = new address[](2);
        list[0] = alice;
        list[1] = bob;
        _cfg(abi.encodeCall(AddressBlockListModule.batchSetAddressBlocked, (list, false)));
        _send(alice, bob, 1);
        assertFalse(m.isAddressBlocked(address(compliance), alice));
    }

    function test_forcedTransferIgnoresBlockList() public {
        _mint(alice, 10);
        _cfg(abi.encodeCall(AddressBlockListModule.setAddressBlocked, (alice, true)));
        _forced(alice, bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function test_rebindClearsConfig() public {
        _cfg(abi.encodeCall(AddressBlockListModule.setAddressBlocked, (alice, true)));
        _rebind();
        assertFalse(m.isAddressBlocked(address(compliance), alice));
    }
}

contract AddressAllowListModuleProxiedTest is AddressAllowListModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}

contract AddressBlockListModuleProxiedTest is AddressBlockListModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
